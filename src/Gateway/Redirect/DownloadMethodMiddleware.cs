using Gateway.Audit;
using Gateway.Diagnostics;

namespace Gateway.Redirect;

/// <summary>Answers 405 to any method but GET and HEAD on a download route, before authentication runs.</summary>
internal sealed class DownloadMethodMiddleware(RequestDelegate next)
{
    private const string Allowed = "GET, HEAD";

    public Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || context.GetDownloadDecision() is not { } decision)
        {
            return next(context);
        }

        decision.Decide(DecisionReason.MethodNotAllowed);
        context.Response.Headers.Allow = Allowed;
        return Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed", "Download routes answer GET and HEAD only.");
    }
}
