using System.Text.Encodings.Web;

namespace Gateway.Diagnostics;

/// <summary>Small, clear HTML pages for people: what happened and what to do, with no internals.</summary>
internal static class StatusPages
{
    /// <summary>An error page: what happened, what to do, and the status.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string? detail)
    {
        var hint = status switch
        {
            StatusCodes.Status401Unauthorized => "Please sign in and open the link again.",
            StatusCodes.Status403Forbidden => "If you think you should have access, ask the person who shared the link.",
            StatusCodes.Status404NotFound => "Check the link, or ask the person who shared it for a new one.",
            StatusCodes.Status429TooManyRequests => "Too many downloads were asked for in a short time. Wait a moment, then open the link again.",
            >= 500 => "Please try again in a few minutes.",
            _ => "Check the link and try again.",
        };
        return WritePageAsync(context, status, title, detail, hint, $"Error {status}");
    }

    /// <summary>A page that tells a person something went as asked (200), such as being signed out.</summary>
    public static Task WriteNoticeAsync(HttpContext context, string title, string detail, string hint) =>
        WritePageAsync(context, StatusCodes.Status200OK, title, detail, hint, footer: null);

    private static Task WritePageAsync(HttpContext context, int status, string title, string? detail, string hint, string? footer)
    {
        var encoder = HtmlEncoder.Default;
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        var heading = footer is null ? encoder.Encode(title) : $"{status} {encoder.Encode(title)}";
        var small = footer is null ? "" : $"<p><small>{encoder.Encode(footer)}</small></p>";
        return response.WriteAsync($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{heading}}</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.5rem}p{line-height:1.5}</style>
            </head><body>
            <h1>{{encoder.Encode(title)}}</h1>
            <p>{{encoder.Encode(detail ?? "")}}</p>
            <p>{{encoder.Encode(hint)}}</p>
            {{small}}
            </body></html>
            """);
    }
}
