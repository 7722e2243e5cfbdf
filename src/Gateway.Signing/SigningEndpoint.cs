using System.Buffers;

namespace Gateway.Signing;

/// <summary>The parts of a <see cref="StoreAddress"/> a presigner needs, resolved once when it is built.</summary>
internal sealed class SigningEndpoint
{
    private const string Https = "https";
    private const string SchemeSeparator = "://";

    // Bucket and region go into a host name or a path unescaped, so they are held to DNS-label characters.
    private static readonly SearchValues<char> s_nameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_");

    private SigningEndpoint(string host, string urlOrigin, string pathPrefix)
    {
        Host = host;
        UrlOrigin = urlOrigin;
        PathPrefix = pathPrefix;
    }

    /// <summary>The host (and port, if not the scheme's default) that is signed.</summary>
    public string Host { get; }

    /// <summary>The scheme and authority the returned URL starts with: the public base URL's if set, else the signing host's.</summary>
    public string UrlOrigin { get; }

    /// <summary><c>/</c>, or <c>/{bucket}/</c> in path style; the encoded key follows it.</summary>
    public string PathPrefix { get; }

    /// <summary>Resolves <paramref name="address"/>; <paramref name="defaultHostSuffix"/> follows <c>{bucket}.</c> when there is no endpoint.</summary>
    /// <exception cref="ArgumentException">A setting is missing or malformed. The message names the setting.</exception>
    public static SigningEndpoint Create(StoreAddress address, string defaultHostSuffix)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Resolve(address, defaultHostSuffix, out SigningEndpoint? endpoint) is { } problem
            ? throw new ArgumentException(problem, nameof(address))
            : endpoint!;
    }

    /// <summary>
    /// What is wrong with <paramref name="address"/>, naming the setting and never its value, or null when
    /// <see cref="Create"/> accepts it. Pure: for configuration validation, before any presigner is built.
    /// </summary>
    public static string? Problem(StoreAddress address, string defaultHostSuffix)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Resolve(address, defaultHostSuffix, out _);
    }

    private static string? Resolve(StoreAddress address, string defaultHostSuffix, out SigningEndpoint? endpoint)
    {
        endpoint = null;
        if (!IsName(address.Bucket) || !IsName(address.Region))
        {
            return $"{nameof(StoreAddress)}.{nameof(StoreAddress.Bucket)} and .{nameof(StoreAddress.Region)} must be non-empty and use only letters, digits, '.', '-' and '_'.";
        }

        string scheme;
        string host;
        string pathPrefix = "/";
        if (address.Endpoint is null)
        {
            scheme = Https;
            host = address.Bucket + "." + defaultHostSuffix;
        }
        else
        {
            if (!StoreAddress.IsOrigin(address.Endpoint))
            {
                return OriginRule(nameof(StoreAddress.Endpoint));
            }

            scheme = address.Endpoint.Scheme;
            string authority = Authority(address.Endpoint);
            if (address.ForcePathStyle)
            {
                host = authority;
                pathPrefix = "/" + address.Bucket + "/";
            }
            else
            {
                host = address.Bucket + "." + authority;
            }
        }

        string origin = scheme + SchemeSeparator + host;

        // Clients send the host and path a URL parser makes of the URL, so they must be exactly what is signed. The
        // character check alone lets through upper case (lower-cased by parsers), empty labels (no host at all) and a
        // path-style bucket "." or ".." (removed as a dot segment).
        if (!Uri.TryCreate(origin + pathPrefix, UriKind.Absolute, out Uri? signed)
            || !string.Equals(signed.Authority, host, StringComparison.Ordinal)
            || !string.Equals(signed.AbsolutePath, pathPrefix, StringComparison.Ordinal))
        {
            return $"{nameof(StoreAddress)}.{nameof(StoreAddress.Bucket)} and .{nameof(StoreAddress.Region)} must form a host name and path that URLs keep as they are: lower case in a host, no empty label, and not '.' or '..' as a path-style bucket.";
        }

        if (address.PublicBaseUrl is not null)
        {
            if (!StoreAddress.IsOrigin(address.PublicBaseUrl))
            {
                return OriginRule(nameof(StoreAddress.PublicBaseUrl));
            }

            origin = address.PublicBaseUrl.Scheme + SchemeSeparator + Authority(address.PublicBaseUrl);
        }

        endpoint = new SigningEndpoint(host, origin, pathPrefix);
        return null;
    }

    private static bool IsName(string? value) => !string.IsNullOrEmpty(value) && !value.AsSpan().ContainsAnyExcept(s_nameChars);

    private static string OriginRule(string setting) =>
        $"{nameof(StoreAddress)}.{setting} must be an absolute http or https URL with no path, query or user info.";

    // IdnHost gives the ASCII (punycode) form that is actually sent, but drops the brackets of an IPv6 literal.
    private static string Authority(Uri uri)
    {
        string host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? host : host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
