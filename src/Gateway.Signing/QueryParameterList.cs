using System.Runtime.CompilerServices;
using System.Text;
using Gateway.Signing.Encoding;

namespace Gateway.Signing;

/// <summary>A caller-supplied query parameter, with the encoded name it is sorted and signed by.</summary>
/// <param name="SignedName">The percent-encoded name (lower-cased for COS), as it appears in the signed string.</param>
/// <param name="Name">The raw name, as given.</param>
/// <param name="Value">The raw value, as given.</param>
internal readonly record struct SortedParameter(string SignedName, string Name, string Value);

/// <summary>Room for the usual handful of parameters without a heap array.</summary>
[InlineArray(QueryParameterList.InlineCapacity)]
internal struct SortedParameterBuffer
{
    private SortedParameter _element;
}

/// <summary>Checks and sorts <see cref="PresignRequest.QueryParameters"/> for signing.</summary>
internal static class QueryParameterList
{
    internal const int InlineCapacity = 8;

    /// <summary>
    /// Returns the request's parameters sorted by <see cref="SortedParameter.SignedName"/> (ordinal), in
    /// <paramref name="buffer"/> when they fit. Names must be non-empty, unique after encoding (and lower-casing),
    /// and must not be one the protocol itself sets (<paramref name="reservedNames"/>, compared ignoring case).
    /// </summary>
    public static Span<SortedParameter> Sort(
        in PresignRequest request, Span<SortedParameter> buffer, bool lowerCaseNames, string[] reservedNames)
    {
        IReadOnlyList<KeyValuePair<string, string>>? source = request.QueryParameters;
        int count = source?.Count ?? 0;
        if (count == 0)
        {
            return [];
        }

        Span<SortedParameter> parameters = count <= buffer.Length ? buffer[..count] : new SortedParameter[count];
        for (int i = 0; i < count; i++)
        {
            (string name, string value) = source![i];
            if (string.IsNullOrEmpty(name) || value is null)
            {
                throw new ArgumentException("A query parameter needs a name and a value.", nameof(request));
            }

            string signedName = UriEncoder.EncodeQueryComponent(name);
            if (lowerCaseNames)
            {
                signedName = ToLowerAscii(signedName);
            }

            foreach (string reserved in reservedNames)
            {
                if (string.Equals(signedName, reserved, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException("A query parameter uses a name the signature itself sets.", nameof(request));
                }
            }

            parameters[i] = new SortedParameter(signedName, name, value);
        }

        parameters.Sort(static (a, b) => string.CompareOrdinal(a.SignedName, b.SignedName));
        for (int i = 1; i < parameters.Length; i++)
        {
            if (string.Equals(parameters[i - 1].SignedName, parameters[i].SignedName, StringComparison.Ordinal))
            {
                throw new ArgumentException("Query parameter names must be unique.", nameof(request));
            }
        }

        return parameters;
    }

    // Encoded text is ASCII, so ASCII lower-casing is exact and culture-free.
    private static string ToLowerAscii(string value) =>
        value.AsSpan().ContainsAnyInRange('A', 'Z')
            ? string.Create(value.Length, value, static (destination, source) => Ascii.ToLower(source, destination, out _))
            : value;
}
