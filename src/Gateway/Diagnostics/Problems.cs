using Gateway.Authentication;

namespace Gateway.Diagnostics;

/// <summary>
/// Writes error answers: RFC 9457 problem+json for apps, a small HTML page for a person's browser.
/// Details name what was wrong, never a secret or an internal.
/// </summary>
internal static class Problems
{
    /// <summary>Writes an error response with the given status, title and detail.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string? detail = null)
    {
        context.Response.Headers.CacheControl = "no-store";
        return GatewaySchemes.PrefersHtml(context.Request)
            ? StatusPages.WriteAsync(context, status, title, detail)
            : TypedResults.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(context);
    }
}
