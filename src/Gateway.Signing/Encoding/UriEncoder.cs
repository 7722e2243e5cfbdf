using System.Buffers;
using System.Text;

namespace Gateway.Signing.Encoding;

/// <summary>
/// RFC 3986 percent-encoding as both COS and SigV4 sign it: UTF-8, upper-case hex, and only
/// <c>A-Za-z0-9-_.~</c> left bare (so <c>!*'()</c> are escaped too).
/// </summary>
internal static class UriEncoder
{
    /// <summary>RFC 3986 unreserved characters.</summary>
    internal const string UnreservedChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

    internal const string InvalidUtf16Message = "The text is not valid UTF-16: it contains a lone surrogate.";

    private const int StackChars = 256;
    private const int MaxUtf8BytesPerScalar = 4;
    private const int EscapedByteChars = 3;

    private static readonly SearchValues<char> s_unreserved = SearchValues.Create(UnreservedChars);

    private static readonly SearchValues<char> s_pathSafe = SearchValues.Create(UnreservedChars + "/");

    // The COS SDK sends the security token with + / = bare, and COS accepts it that way;
    // everything else is escaped so a hostile token cannot add or end parameters.
    private static readonly SearchValues<char> s_cosTokenSafe = SearchValues.Create(UnreservedChars + "+/=");

    /// <summary>Encodes an object key for a URL path: every segment is escaped and <c>/</c> is kept. Returns <paramref name="value"/> itself when nothing needs escaping.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> holds a lone surrogate.</exception>
    public static string EncodePath(string value) => Encode(value, s_pathSafe);

    /// <summary>Encodes one query name or value. Returns <paramref name="value"/> itself when nothing needs escaping.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> holds a lone surrogate.</exception>
    public static string EncodeQueryComponent(string value) => Encode(value, s_unreserved);

    public static void AppendPath(ref ValueStringBuilder builder, scoped ReadOnlySpan<char> value) =>
        Append(ref builder, value, s_pathSafe);

    public static void AppendQueryComponent(ref ValueStringBuilder builder, scoped ReadOnlySpan<char> value) =>
        Append(ref builder, value, s_unreserved);

    public static void AppendCosSecurityToken(ref ValueStringBuilder builder, scoped ReadOnlySpan<char> value) =>
        Append(ref builder, value, s_cosTokenSafe);

    private static string Encode(string value, SearchValues<char> safe)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.AsSpan().ContainsAnyExcept(safe))
        {
            return value;
        }

        var builder = new ValueStringBuilder(stackalloc char[StackChars]);
        try
        {
            Append(ref builder, value, safe);
            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    private static void Append(ref ValueStringBuilder builder, scoped ReadOnlySpan<char> value, SearchValues<char> safe)
    {
        Span<byte> utf8 = stackalloc byte[MaxUtf8BytesPerScalar];
        while (true)
        {
            int escapeAt = value.IndexOfAnyExcept(safe);
            if (escapeAt < 0)
            {
                builder.Append(value);
                return;
            }

            builder.Append(value[..escapeAt]);
            value = value[escapeAt..];

            // Lone surrogates would otherwise turn into U+FFFD and sign a different key than the caller asked for.
            if (Rune.DecodeFromUtf16(value, out Rune rune, out int consumed) != OperationStatus.Done)
            {
                throw new ArgumentException(InvalidUtf16Message);
            }

            int byteCount = rune.EncodeToUtf8(utf8);
            Span<char> escaped = builder.AppendSpan(byteCount * EscapedByteChars);
            for (int i = 0; i < byteCount; i++)
            {
                Hex.WritePercentEncoded(utf8[i], escaped.Slice(i * EscapedByteChars, EscapedByteChars));
            }

            value = value[consumed..];
        }
    }
}
