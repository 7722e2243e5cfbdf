using System.Globalization;
using System.Text;
using Gateway.Redirect;
using Gateway.Routing;
using Gateway.Signing;
using Gateway.Stores;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Gateway.Cli;

/// <summary>A direct store URL the rewriter found but left as it was, and why.</summary>
/// <param name="Line">The 1-based line it starts on.</param>
/// <param name="Url">The URL without its query (which may hold a signature).</param>
/// <param name="Reason">Why it was not rewritten.</param>
internal readonly record struct UnmappedLink(int Line, string Url, string Reason);

/// <summary>
/// Replaces direct store URLs (virtual-hosted or path-style, COS or S3, signed or not) in text with the friendly
/// gateway URL of the first route that reaches the same key, found by inverting the route's key template. Old
/// signature parameters are dropped; the download name and type become the gateway's <c>download</c>, <c>inline</c>
/// and <c>type</c> options. Everything else, byte for byte, stays. The text is handled as Latin-1, so any bytes
/// round-trip; URLs are found as written raw, in HTML (<c>&amp;amp;</c>) or in JSON strings (<c>\/</c>, <c>\u0026</c>).
/// </summary>
internal sealed class StoreLinkRewriter
{
    // Signature parameters of COS q-sign, SigV4, SigV2 and the SDKs; they are dropped (compared ignoring case).
    private static readonly string[] SignatureNames =
    [
        "q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature",
        "x-cos-security-token", "sign", "AWSAccessKeyId", "Signature", "Expires", "x-id",
    ];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly List<(string Origin, string PathPrefix, string Store)> _addresses = [];
    private readonly List<(DownloadRoute Route, RoutePattern Pattern)> _routes;
    private readonly string _base;

    /// <param name="stores">Each store's name, provider and address.</param>
    /// <param name="routes">The download routes, in the order they are tried.</param>
    /// <param name="gatewayBase">The gateway's public base URL, such as <c>https://gw.example.com</c>.</param>
    public StoreLinkRewriter(IEnumerable<(string Name, StoreProvider Provider, StoreAddress Address)> stores, IEnumerable<(DownloadRoute Route, RoutePattern Pattern)> routes, Uri gatewayBase)
    {
        _routes = [.. routes];
        _base = gatewayBase.GetLeftPart(UriPartial.Path).TrimEnd('/');
        foreach (var (name, provider, address) in stores)
        {
            foreach (var (origin, prefix) in Addresses(provider, address))
            {
                _addresses.Add((origin, prefix, name));
            }
        }
    }

    /// <summary>Rewrites <paramref name="text"/> (bytes as Latin-1 characters); each store URL left as it was is added to <paramref name="unmapped"/>.</summary>
    public string Rewrite(string text, List<UnmappedLink> unmapped)
    {
        var output = new StringBuilder(text.Length);
        var copied = 0;
        for (var at = 0; at < text.Length;)
        {
            var start = text.IndexOf("http", at, StringComparison.OrdinalIgnoreCase);
            if (start < 0)
            {
                break;
            }

            if (!TryScan(text, start, out var end, out var url, out var style))
            {
                at = start + 4;
                continue;
            }

            at = end;
            var replacement = TryRewrite(url, style, out var reason, out var isStoreUrl);
            if (replacement is not null)
            {
                output.Append(text, copied, start - copied).Append(replacement);
                copied = end;
            }
            else if (isStoreUrl)
            {
                unmapped.Add(new UnmappedLink(LineOf(text, start), WithoutQuery(url), reason!));
            }
        }

        return output.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>The friendly URL for a direct store <paramref name="url"/>, or null with the reason (and whether it was a store URL at all).</summary>
    internal string? TryRewrite(string url, EscapeStyle style, out string? reason, out bool isStoreUrl)
    {
        reason = null;
        isStoreUrl = false;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var afterAuthority = authorityEnd < 0 ? "" : rest[authorityEnd..];
        var fragmentAt = afterAuthority.IndexOf('#', StringComparison.Ordinal);
        var fragment = fragmentAt < 0 ? "" : afterAuthority[fragmentAt..];
        var pathAndQuery = fragmentAt < 0 ? afterAuthority : afterAuthority[..fragmentAt];
        var queryAt = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = queryAt < 0 ? pathAndQuery : pathAndQuery[..queryAt];
        var query = queryAt < 0 ? "" : pathAndQuery[(queryAt + 1)..];
        var origin = NormalizeOrigin(scheme, authority);
        if (origin is null || path.Length == 0)
        {
            return null;
        }

        var match = _addresses.FirstOrDefault(a => a.Origin == origin && path.StartsWith(a.PathPrefix, StringComparison.Ordinal) && path.Length > a.PathPrefix.Length);
        if (match.Store is null)
        {
            return null;
        }

        isStoreUrl = true;
        var key = DecodeKey(path[match.PathPrefix.Length..]);
        if (key is null)
        {
            reason = "the key is not valid percent-encoded UTF-8";
            return null;
        }

        if (!TryReadOptions(query, out var options, out reason))
        {
            return null;
        }

        foreach (var (route, pattern) in _routes)
        {
            if (route.StoreName != match.Store || route.KeyTemplate.TryMatch(key, name => pattern.GetParameter(name)?.IsCatchAll == true) is not { } values)
            {
                continue;
            }

            var friendly = FriendlyPath(pattern, values);
            if (friendly is null)
            {
                continue;
            }

            var checkedOptions = ResponseOverrides.TryCreate(new QueryCollection(options.ToDictionary(o => o.Key, o => new Microsoft.Extensions.Primitives.StringValues(o.Value))), route, out var optionsError);
            if (checkedOptions is null)
            {
                reason = $"route '{route.RouteId}' refuses its download options: {optionsError}";
                return null;
            }

            var newQuery = string.Join('&', options.Select(o => o.Value.Length == 0 ? o.Key : o.Key + "=" + Uri.EscapeDataString(o.Value)));
            var result = _base + friendly + (newQuery.Length > 0 ? "?" + newQuery : "") + fragment;
            return style.Apply(result);
        }

        reason = "no route reaches its key";
        return null;
    }

    /// <summary>
    /// The gateway's options for the URL's query: its signature dropped, <c>response-content-disposition</c> and
    /// <c>response-content-type</c> turned into <c>download</c>/<c>inline</c> and <c>type</c>; false for a parameter
    /// that would change what is served (such as a version id) and that the gateway cannot carry.
    /// </summary>
    private static bool TryReadOptions(string query, out List<KeyValuePair<string, string>> options, out string? reason)
    {
        options = [];
        reason = null;
        string? disposition = null;
        string? type = null;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Unescape(equals < 0 ? pair : pair[..equals]);
            var value = Unescape(equals < 0 ? "" : pair[(equals + 1)..]);
            if (name is null || value is null)
            {
                reason = "its query is not valid percent-encoded UTF-8";
                return false;
            }

            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase) || SignatureNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Equals(ResponseOverrides.ContentDisposition, StringComparison.OrdinalIgnoreCase))
            {
                disposition = value;
            }
            else if (name.Equals(ResponseOverrides.ContentType, StringComparison.OrdinalIgnoreCase))
            {
                type = value;
            }
            else if (!name.StartsWith("response-", StringComparison.OrdinalIgnoreCase))
            {
                // Other response-* headers only change caching or language; anything else may change the bytes served.
                reason = $"its parameter '{name}' has no gateway equivalent";
                return false;
            }
        }

        if (disposition is not null)
        {
            var kind = disposition.Split(';')[0].Trim().ToLowerInvariant();
            if (kind is not ("attachment" or "inline"))
            {
                reason = "its response-content-disposition is neither attachment nor inline";
                return false;
            }

            options.Add(new(kind == "attachment" ? ResponseOverrides.DownloadOption : ResponseOverrides.InlineOption, FileName(disposition) ?? ""));
        }

        if (type is not null)
        {
            options.Add(new(ResponseOverrides.TypeOption, type));
        }

        return true;
    }

    /// <summary>The file name of a Content-Disposition value: <c>filename*=UTF-8''...</c> first, else <c>filename=</c>.</summary>
    private static string? FileName(string disposition)
    {
        string? plain = null;
        foreach (var part in disposition.Split(';').Skip(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var name = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (name.Equals("filename*", StringComparison.OrdinalIgnoreCase) && value.StartsWith("UTF-8''", StringComparison.OrdinalIgnoreCase))
            {
                return Unescape(value[7..]);
            }

            if (name.Equals("filename", StringComparison.OrdinalIgnoreCase))
            {
                plain = value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
            }
        }

        return plain;
    }

    /// <summary>The route's path with <paramref name="values"/> in it, each segment percent-encoded; null when a parameter has no value.</summary>
    internal static string? FriendlyPath(RoutePattern pattern, IReadOnlyDictionary<string, string> values)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            var text = new StringBuilder();
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        text.Append(Uri.EscapeDataString(literal.Content));
                        break;
                    case RoutePatternSeparatorPart separator:
                        text.Append(Uri.EscapeDataString(separator.Content));
                        break;
                    case RoutePatternParameterPart parameter:
                        var value = values.GetValueOrDefault(parameter.Name) ?? parameter.Default as string;
                        if (value is null)
                        {
                            if (!parameter.IsOptional && !parameter.IsCatchAll)
                            {
                                return null;
                            }

                            break;
                        }

                        text.Append(parameter.IsCatchAll ? string.Join('/', value.Split('/').Select(Uri.EscapeDataString)) : Uri.EscapeDataString(value));
                        break;
                }
            }

            if (text.Length > 0)
            {
                path.Append('/').Append(text);
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    /// <summary>Where each store's keys start: every host and path prefix its URLs are written with, as <c>scheme://host[:port]</c> and a path.</summary>
    private static IEnumerable<(string Origin, string PathPrefix)> Addresses(StoreProvider provider, StoreAddress address)
    {
        var bucket = address.Bucket;
        var region = address.Region;
        var hosts = new List<(string Host, bool PathStyle)>();
        if (address.Endpoint is { } endpoint)
        {
            var authority = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Host + ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture);
            hosts.Add((authority, true));
            hosts.Add((bucket + "." + authority, false));
        }
        else if (provider == StoreProvider.Cos)
        {
            hosts.Add(($"{bucket}.cos.{region}.myqcloud.com", false));
            hosts.Add(($"{bucket}.cos.accelerate.myqcloud.com", false));
            hosts.Add(($"cos.{region}.myqcloud.com", true));
        }
        else
        {
            foreach (var domain in new[] { $"s3.{region}.amazonaws.com", $"s3-{region}.amazonaws.com", $"s3.dualstack.{region}.amazonaws.com", "s3.amazonaws.com" })
            {
                hosts.Add((bucket + "." + domain, false));
                hosts.Add((domain, true));
            }
        }

        if (address.PublicBaseUrl is { } publicBase)
        {
            hosts.Add((publicBase.IsDefaultPort ? publicBase.Host : publicBase.Host + ":" + publicBase.Port.ToString(CultureInfo.InvariantCulture), false));
        }

        foreach (var (host, pathStyle) in hosts)
        {
            foreach (var scheme in new[] { "https", "http" })
            {
                yield return ($"{scheme}://{host.ToLowerInvariant()}", pathStyle ? $"/{bucket}/" : "/");
            }
        }
    }

    private static string? NormalizeOrigin(string scheme, string authority)
    {
        if (scheme is not ("http" or "https") || authority.Length == 0 || authority.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        authority = authority.ToLowerInvariant();
        var defaultPort = scheme == "https" ? ":443" : ":80";
        return scheme + "://" + (authority.EndsWith(defaultPort, StringComparison.Ordinal) ? authority[..^defaultPort.Length] : authority);
    }

    /// <summary>Percent-decodes a path (raw bytes as Latin-1 characters) into the UTF-8 key; null when it is not valid UTF-8.</summary>
    private static string? DecodeKey(string path) => Unescape(path);

    private static string? Unescape(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var decoded))
            {
                bytes.Add(decoded);
                i += 2;
            }
            else if (text[i] > '\u00ff')
            {
                return null;
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the URL that starts at <paramref name="start"/> up to the first character a URL cannot hold unescaped
    /// (or a ',' , which separates CSV fields), without trailing sentence punctuation, undoing HTML and JSON escapes.
    /// </summary>
    private static bool TryScan(string text, int start, out int end, out string url, out EscapeStyle style)
    {
        end = start;
        url = "";
        style = default;
        var schemeLength = text.AsSpan(start).StartsWith("https", StringComparison.OrdinalIgnoreCase) ? 5 : 4;
        var at = start + schemeLength;
        string slash;
        if (text.AsSpan(at).StartsWith("://", StringComparison.Ordinal))
        {
            slash = "/";
            at += 3;
        }
        else if (text.AsSpan(at).StartsWith(@":\/\/", StringComparison.Ordinal))
        {
            slash = @"\/";
            at += 5;
        }
        else
        {
            return false;
        }

        // A URL is not part of a longer word ("xhttp://").
        if (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
        {
            return false;
        }

        var ampersand = "&";
        var plain = new StringBuilder(text[start..(start + schemeLength)]).Append("://");
        var ends = new List<(int TextEnd, int UrlLength)>();
        while (at < text.Length)
        {
            var c = text[at];
            if (slash.Length == 2 && text.AsSpan(at).StartsWith(@"\/", StringComparison.Ordinal))
            {
                plain.Append('/');
                at += 2;
            }
            else if (text.AsSpan(at).StartsWith(@"\u0026", StringComparison.OrdinalIgnoreCase))
            {
                plain.Append('&');
                ampersand = text.Substring(at, 6);
                at += 6;
            }
            else if (text.AsSpan(at).StartsWith("&amp;", StringComparison.Ordinal))
            {
                plain.Append('&');
                ampersand = "&amp;";
                at += 5;
            }
            else if (c > ' ' && c != '\u007f' && "\"'<>\\^`{|},".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                plain.Append(c);
                at++;
            }
            else
            {
                break;
            }

            ends.Add((at, plain.Length));
        }

        // Sentence punctuation after a URL belongs to the sentence; a ')' only closes a '(' inside the URL.
        while (ends.Count > 0)
        {
            var last = plain[ends[^1].UrlLength - 1];
            var opened = plain.ToString(0, ends[^1].UrlLength).Count(ch => ch == '(') > plain.ToString(0, ends[^1].UrlLength).Count(ch => ch == ')') - (last == ')' ? 1 : 0);
            if (".,;:!?".Contains(last, StringComparison.Ordinal) || (last == ')' && !opened) || last == ']')
            {
                ends.RemoveAt(ends.Count - 1);
                continue;
            }

            break;
        }

        if (ends.Count == 0)
        {
            return false;
        }

        end = ends[^1].TextEnd;
        url = plain.ToString(0, ends[^1].UrlLength);
        style = new EscapeStyle(slash, ampersand);
        return url.Length > schemeLength + 3;
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    private static string WithoutQuery(string url) => url.IndexOfAny(['?', '#']) is var at and >= 0 ? url[..at] : url;
}

/// <summary>How the URL was written in its text: <c>/</c> or <c>\/</c> (JSON), <c>&amp;</c>, <c>&amp;amp;</c> (HTML) or <c>\u0026</c> (JSON).</summary>
/// <param name="Slash">How a slash was written.</param>
/// <param name="Ampersand">How an ampersand was written.</param>
internal readonly record struct EscapeStyle(string Slash, string Ampersand)
{
    /// <summary>Writes <paramref name="url"/> the same way.</summary>
    public string Apply(string url)
    {
        var slash = Slash ?? "/";
        var ampersand = Ampersand ?? "&";
        return url.Replace("&", ampersand, StringComparison.Ordinal).Replace("/", slash, StringComparison.Ordinal);
    }
}
