using System.Globalization;
using Gateway.Signing.Encoding;

namespace Gateway.Signing.Cdn;

/// <summary>The CDN domain a signer's links start with, and the checks every CDN signer shares.</summary>
internal static class CdnOrigin
{
    private const int MaxParameters = 16;

    /// <summary>The scheme and authority of <paramref name="baseUrl"/> as clients send them (punycode host), or throws.</summary>
    public static string From(Uri baseUrl, string setting)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!StoreAddress.IsOrigin(baseUrl))
        {
            throw new ArgumentException(Problem(setting), nameof(baseUrl));
        }

        string host = baseUrl.HostNameType == UriHostNameType.IPv6 ? baseUrl.Host : baseUrl.IdnHost;
        return baseUrl.Scheme + "://" + (baseUrl.IsDefaultPort ? host : host + ":" + baseUrl.Port.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The rule a base URL must follow, naming the setting.</summary>
    public static string Problem(string setting) => $"{setting} must be an absolute http or https URL with no path, query or user info.";

    /// <summary>Validates the request and returns its expiry in whole seconds.</summary>
    public static long Validate(in CdnSignRequest request, TimeSpan maxExpiry)
    {
        if (string.IsNullOrEmpty(request.Key))
        {
            throw new ArgumentException("The object key must not be empty.", nameof(request));
        }

        // A client's URL parser removes '.' and '..' segments, so it would ask for another path than the one signed.
        if (HasDotSegment(request.Key))
        {
            throw new ArgumentException("The object key must not have a '.' or '..' segment.", nameof(request));
        }

        if (request.ExpiresIn < TimeSpan.FromSeconds(1) || request.ExpiresIn > maxExpiry)
        {
            throw new ArgumentException($"The expiry must be from 1 to {(long)maxExpiry.TotalSeconds} seconds.", nameof(request));
        }

        if (request.SignedAt.ToUnixTimeSeconds() < 0)
        {
            throw new ArgumentException("The signing time must not be before 1970.", nameof(request));
        }

        if (request.QueryParameters is { Count: > MaxParameters })
        {
            throw new ArgumentException($"At most {MaxParameters} query parameters can be signed.", nameof(request));
        }

        return request.ExpiresIn.Ticks / TimeSpan.TicksPerSecond;
    }

    /// <summary>Whether <paramref name="key"/> has a segment <c>.</c> or <c>..</c> between slashes.</summary>
    public static bool HasDotSegment(ReadOnlySpan<char> key)
    {
        foreach (Range range in key.Split('/'))
        {
            if (key[range] is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Appends <c>/encoded-key</c> and then <c>?name=value&amp;...</c> for the request's parameters, in order.</summary>
    public static void AppendPathAndQuery(ref ValueStringBuilder builder, in CdnSignRequest request, string[] reservedNames)
    {
        builder.Append('/');
        UriEncoder.AppendPath(ref builder, request.Key);
        IReadOnlyList<KeyValuePair<string, string>>? parameters = request.QueryParameters;
        for (int i = 0; i < (parameters?.Count ?? 0); i++)
        {
            (string name, string value) = parameters![i];
            if (string.IsNullOrEmpty(name) || value is null)
            {
                throw new ArgumentException("A query parameter needs a name and a value.", nameof(request));
            }

            for (int j = 0; j < i; j++)
            {
                if (string.Equals(parameters[j].Key, name, StringComparison.Ordinal))
                {
                    throw new ArgumentException("Query parameter names must be unique.", nameof(request));
                }
            }

            foreach (string reserved in reservedNames)
            {
                if (string.Equals(name, reserved, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException("A query parameter uses a name the signature itself sets.", nameof(request));
                }
            }

            builder.Append(i == 0 ? '?' : '&');
            UriEncoder.AppendQueryComponent(ref builder, name);
            builder.Append('=');
            UriEncoder.AppendQueryComponent(ref builder, value);
        }
    }
}
