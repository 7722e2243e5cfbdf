namespace Gateway.Diagnostics;

/// <summary>Writes RFC 9457 problem+json answers. Details name what was wrong, never a secret or an internal.</summary>
internal static class Problems
{
    /// <summary>Writes a problem response with the given status, title and detail.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string? detail = null)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(context);
    }
}
