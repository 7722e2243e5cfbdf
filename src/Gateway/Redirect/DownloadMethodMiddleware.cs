using Gateway.Audit;
using Gateway.Diagnostics;
using Gateway.Routing;
using Yarp.ReverseProxy.Model;

namespace Gateway.Redirect;

/// <summary>Answers 405 to any method but GET and HEAD on a download route, before authentication runs.</summary>
internal sealed class DownloadMethodMiddleware(RequestDelegate next, DownloadRouteTable routes, DownloadAudit audit)
{
    private const string Allowed = "GET, HEAD";

    public Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method)
            || HttpMethods.IsHead(method)
            || context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not { } model
            || routes.Find(model.Config) is not { } route)
        {
            return next(context);
        }

        audit.Denied(context, route, "method-not-allowed");
        context.Response.Headers.Allow = Allowed;
        return Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed", "Download routes answer GET and HEAD only.");
    }
}
