using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.Routing;

namespace Gateway.Redirect;

/// <summary>
/// The download name and type a caller may ask for (<c>?download=name.pdf</c>, <c>?inline</c>, <c>?type=...</c>),
/// or a route sets by default, turned into signed <c>response-content-disposition</c> and
/// <c>response-content-type</c> parameters. No other <c>response-*</c> parameter can be set.
/// </summary>
internal static partial class ResponseOverrides
{
    public const string DownloadOption = "download";
    public const string InlineOption = "inline";
    public const string TypeOption = "type";
    public const string ContentDisposition = "response-content-disposition";
    public const string ContentType = "response-content-type";

    /// <summary>The longest download name accepted, in characters.</summary>
    public const int MaxNameLength = 255;

    private static readonly System.Collections.Frozen.FrozenSet<string> InlineSafeTypes = System.Collections.Frozen.FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp",
        "application/pdf", "text/plain",
        "audio/mpeg", "audio/mp4", "audio/aac", "audio/ogg", "audio/wav", "audio/webm", "audio/flac",
        "video/mp4", "video/webm", "video/ogg");

    // RFC 5987 attr-char: what may stay unescaped in filename*.
    private static readonly SearchValues<char> AttrChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~");

    // Quotes, backslashes, path separators and every control character are refused rather than neutralised.
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        "\"\\/" + string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Select(i => (char)i)));

    /// <summary>Returns the signed query parameters for the request (empty when none), or null with a reason for a 400.</summary>
    public static KeyValuePair<string, string>[]? TryCreate(IQueryCollection query, DownloadRoute route, out string? error)
    {
        error = null;
        foreach (var (name, _) in query)
        {
            if (name.StartsWith("response-", StringComparison.OrdinalIgnoreCase))
            {
                error = "Response headers can only be chosen with the 'download', 'inline' and 'type' options.";
                return null;
            }
        }

        var hasDownload = query.TryGetValue(DownloadOption, out var download);
        var hasInline = query.TryGetValue(InlineOption, out var inline);
        var hasType = query.TryGetValue(TypeOption, out var type);
        if (hasDownload && hasInline)
        {
            error = "Choose either 'download' or 'inline', not both.";
            return null;
        }

        if (download.Count > 1 || inline.Count > 1 || type.Count > 1)
        {
            error = "Each download option may be given once.";
            return null;
        }

        if (hasInline && route.Disposition == "attachment" && !route.AllowInline)
        {
            error = "This route serves files as attachments; it does not allow 'inline'.";
            return null;
        }

        string? disposition = route.Disposition;
        string? fileName = null;
        if (hasDownload || hasInline)
        {
            disposition = hasDownload ? "attachment" : "inline";
            fileName = (hasDownload ? download : inline).ToString();
            if (fileName.Length > 0 && CheckName(fileName) is { } nameError)
            {
                error = nameError;
                return null;
            }
        }

        var contentType = hasType ? type.ToString() : route.ContentType;
        if (hasType && !IsMediaType(contentType!))
        {
            error = "The 'type' option must be a media type such as 'application/pdf' or 'text/plain; charset=utf-8'.";
            return null;
        }

        // Any object served as a type a browser runs script in would run on the store's origin; saving it is harmless.
        if (hasType && IsActiveContent(contentType!) && disposition != "attachment")
        {
            error = "A 'type' that browsers run script in (HTML, XML, SVG, JavaScript) needs 'download', so the file is saved, not shown.";
            return null;
        }

        // Shown inline only when the type is known to be safe there; anything else (an unknown type a browser would
        // sniff, or the object's own stored type) is saved instead.
        if ((disposition == "inline" && (contentType is null || !IsInlineSafe(contentType)))
            || (disposition is null && contentType is not null && !IsInlineSafe(contentType)))
        {
            disposition = "attachment";
        }

        var parameters = new List<KeyValuePair<string, string>>(2);
        if (disposition is not null)
        {
            parameters.Add(new(ContentDisposition, DispositionValue(disposition, fileName)));
        }

        if (contentType is not null)
        {
            parameters.Add(new(ContentType, contentType));
        }

        return [.. parameters];
    }

    /// <summary>Null when the name is acceptable, otherwise why not.</summary>
    public static string? CheckName(string name) =>
        name.Length > MaxNameLength ? $"The download name is longer than {MaxNameLength} characters."
        : name.AsSpan().ContainsAny(Forbidden) ? "The download name must not contain quotes, backslashes, slashes or control characters."
        : name.Any(c => char.GetUnicodeCategory(c) == UnicodeCategory.Format) ? "The download name must not contain invisible formatting characters, such as direction overrides that disguise a file's extension."
        : name.Trim().Length == 0 || name is "." or ".." ? "The download name is empty."
        : !ObjectKeyRules.IsWellFormed(name) ? "The download name is not valid Unicode."
        : null;

    /// <summary>
    /// True for the types a browser shows inline without running script or sniffing: common raster images (never SVG),
    /// PDF, plain text, and common audio and video. Parameters such as a charset do not count.
    /// </summary>
    public static bool IsInlineSafe(string mediaType)
    {
        var end = mediaType.IndexOf(';', StringComparison.Ordinal);
        var type = (end < 0 ? mediaType : mediaType[..end]).Trim();
        return InlineSafeTypes.Contains(type);
    }

    /// <summary>True for HTML, XML (any <c>+xml</c> too, such as SVG and XHTML) and JavaScript: types a browser runs script in.</summary>
    public static bool IsActiveContent(string mediaType)
    {
        var type = mediaType.AsSpan();
        var end = type.IndexOf(';');
        type = (end < 0 ? type : type[..end]).Trim();
        return type.Equals("text/html", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("/xml", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("javascript", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("ecmascript", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True for a media type with an optional charset parameter and nothing else.</summary>
    public static bool IsMediaType(string value) => MediaType().IsMatch(value);

    /// <summary>RFC 6266: <c>attachment; filename="ascii"; filename*=UTF-8''percent-encoded</c>, the latter only when needed.</summary>
    public static string DispositionValue(string disposition, string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return disposition;
        }

        var fallback = AsciiFallback(fileName);
        return fallback == fileName
            ? $"{disposition}; filename=\"{fileName}\""
            : $"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{Rfc5987(fileName)}";
    }

    private static string AsciiFallback(string name) =>
        string.Create(name.Length, name, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                // '%' too: some clients would decode it in the plain filename.
                span[i] = source[i] is >= ' ' and < '\u007f' and not '%' ? source[i] : '_';
            }
        });

    private static string Rfc5987(string name)
    {
        var builder = new StringBuilder(name.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            var c = (char)b;
            if (b < 0x80 && AttrChars.Contains(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(; ?charset=[A-Za-z0-9_-]{1,40})?$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaType();
}
