using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Gateway.Authentication;
using Gateway.Redirect;

namespace Gateway.Listing;

/// <summary>
/// Writes a folder page: HTML for a person's browser, JSON for apps (the gateway's usual negotiation). Names are shown
/// in their Unicode form, HTML-encoded, with invisible formatting and control characters (such as a direction
/// override) shown as <c>U+202E</c> rather than acting on the text around them. Links are the entries' friendly URLs.
/// </summary>
internal static class FolderPageWriter
{
    // Every script as itself; only what HTML gives a meaning to is encoded.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Writes the page of the folder <paramref name="folder"/> (empty or ending in <c>/</c>) under the route's <paramref name="root"/> path.</summary>
    public static Task WriteAsync(HttpContext context, FolderPage page, FolderView view, string root, string folder)
    {
        var request = context.Request;
        var response = context.Response;
        var folderPath = request.PathBase.Value + root + folder;
        var entries = Sort(page.Entries, view);
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.CacheControl = "no-store";
        response.Headers.Vary = "Accept";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        var next = page.NextToken is null ? null : Link(folderPath, view with { Token = page.NextToken }, view.Sort, view.Descending);
        if (DownloadLink.IsRequested(request) || !GatewaySchemes.PrefersHtml(request))
        {
            var json = new FolderJson(
                EncodePath(folderPath),
                [.. entries.Select(entry => new FolderEntryJson(entry.Name, entry.IsFolder ? "folder" : "file", EncodePath(folderPath + entry.Name), entry.Size, entry.LastModified))],
                next);
            return response.WriteAsJsonAsync(json, FolderJsonContext.Default.FolderJson, cancellationToken: context.RequestAborted);
        }

        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        return response.WriteAsync(RenderHtml(request.PathBase.Value + root, folder, entries, view, next), context.RequestAborted);
    }

    /// <summary>Percent-encodes each segment of a decoded path; <c>/</c> stays.</summary>
    public static string EncodePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary>The name as text a person can read and nothing can disguise: formatting and control characters become <c>U+XXXX</c>.</summary>
    public static string Visible(string name)
    {
        if (!name.Any(IsInvisible))
        {
            return name;
        }

        var text = new StringBuilder(name.Length + 16);
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.Surrogate)
            {
                text.Append(CultureInfo.InvariantCulture, $"[U+{rune.Value:X4}]");
            }
            else
            {
                text.Append(rune.ToString());
            }
        }

        return text.ToString();
    }

    /// <summary>A name as HTML text: visible, then encoded ('+' is left as it is: it means nothing in UTF-8 HTML).</summary>
    private static string Text(string name) => Html.Encode(Visible(name)).Replace("&#x2B;", "+", StringComparison.Ordinal);

    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.Surrogate;

    private static List<FolderEntry> Sort(IReadOnlyList<FolderEntry> entries, FolderView view)
    {
        IEnumerable<FolderEntry> sorted = view.Sort switch
        {
            FolderSort.Size => entries.OrderBy(e => e.Size ?? -1).ThenBy(e => e.Name, StringComparer.Ordinal),
            FolderSort.Date => entries.OrderBy(e => e.LastModified ?? DateTimeOffset.MinValue).ThenBy(e => e.Name, StringComparer.Ordinal),
            _ => entries.OrderBy(e => e.Name, StringComparer.Ordinal),
        };
        if (view.Descending)
        {
            sorted = sorted.Reverse();
        }

        return [.. sorted.OrderBy(e => e.IsFolder ? 0 : 1)];
    }

    private static string Link(string folderPath, FolderView view, FolderSort sort, bool descending)
    {
        var query = new List<string>(3);
        if (sort != FolderSort.Name)
        {
            query.Add("sort=" + sort.ToString().ToLowerInvariant());
        }

        if (descending)
        {
            query.Add("order=desc");
        }

        if (view.Token is not null)
        {
            query.Add(FolderPages.PageOption + "=" + Uri.EscapeDataString(view.Token));
        }

        return EncodePath(folderPath) + (query.Count > 0 ? "?" + string.Join('&', query) : "");
    }

    private static string RenderHtml(string root, string folder, List<FolderEntry> entries, FolderView view, string? next)
    {
        var html = new StringBuilder(4096);
        var title = Text("/" + folder);
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Index of {{title}}</title>
            <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd}td.n{text-align:right;font-variant-numeric:tabular-nums}nav a{margin-right:.2rem}.name{unicode-bidi:isolate}</style>
            </head><body>
            <nav aria-label="Breadcrumbs">
            """);

        // Breadcrumbs: the route's root, then each folder down to this one.
        html.Append(CultureInfo.InvariantCulture, $"<a href=\"{Html.Encode(EncodePath(root))}\">{Text(root.TrimEnd('/').Split('/')[^1])}</a> /");
        var crumb = root;
        foreach (var segment in folder.Split('/', StringSplitOptions.None)[..^1])
        {
            crumb += segment + "/";
            html.Append(CultureInfo.InvariantCulture, $" <a href=\"{Html.Encode(EncodePath(crumb))}\">{Text(segment)}</a> /");
        }

        var folderPath = root + folder;
        html.Append("</nav>\n<table>\n<thead><tr>");
        foreach (var (sort, label) in new[] { (FolderSort.Name, "Name"), (FolderSort.Size, "Size"), (FolderSort.Date, "Last modified") })
        {
            var descending = view.Sort == sort && !view.Descending;
            var arrow = view.Sort == sort ? (view.Descending ? " ▼" : " ▲") : "";
            html.Append(CultureInfo.InvariantCulture, $"<th><a href=\"{Html.Encode(Link(folderPath, view with { Token = null }, sort, descending))}\">{label}</a>{arrow}</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var entry in entries)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><a class=\"name\" href=\"{Html.Encode(EncodePath(folderPath + entry.Name))}\">{Text(entry.Name)}</a></td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{(entry.Size is { } size ? size.ToString("N0", CultureInfo.InvariantCulture) : "")}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{entry.LastModified?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        if (entries.Count == 0)
        {
            html.Append("<p>Nothing more to show here.</p>\n");
        }

        if (next is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><a rel=\"next\" href=\"{Html.Encode(next)}\">Next page</a></p>\n");
        }

        return html.Append("</body></html>\n").ToString();
    }
}

/// <summary>A folder page for apps.</summary>
/// <param name="Path">The folder's friendly path, percent-encoded.</param>
/// <param name="Entries">The names the caller may open.</param>
/// <param name="Next">The link of the next page, or null on the last.</param>
internal sealed record FolderJson(string Path, FolderEntryJson[] Entries, string? Next);

/// <summary>One name of a folder page for apps.</summary>
/// <param name="Name">The name relative to the folder, in Unicode; a folder's ends in <c>/</c>.</param>
/// <param name="Type"><c>file</c> or <c>folder</c>.</param>
/// <param name="Url">Its friendly path, percent-encoded.</param>
/// <param name="Size">A file's size in bytes.</param>
/// <param name="LastModified">When a file was last written.</param>
internal sealed record FolderEntryJson(string Name, string Type, string Url, long? Size, DateTimeOffset? LastModified);

/// <summary>Source-generated JSON for folder pages: camelCase, nulls left out, no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FolderJson))]
internal sealed partial class FolderJsonContext : JsonSerializerContext;
