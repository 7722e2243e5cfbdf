namespace Gateway.Diagnostics;

/// <summary>
/// Answers a plain 404 for a path that no endpoint serves (<c>/</c>, a mistyped path, a disabled endpoint), before
/// authorization would ask the caller to sign in for it: there is nothing there to sign in for. Runs after
/// authentication, whose remote sign-in callbacks have no endpoint.
/// </summary>
internal sealed class UnmatchedPathMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint() is null
            ? Problems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found", "Nothing is served at this path.")
            : next(context);
}
