using Gateway.Audit;
using Gateway.Routing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Yarp.ReverseProxy.Model;

namespace Gateway.Authorization;

/// <summary>Audits the denials that ASP.NET Core's authorization takes on download routes, then answers as usual.</summary>
internal sealed class AuditingAuthorizationResultHandler(DownloadRouteTable routes, DownloadAudit audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded
            && context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is { } model
            && routes.Find(model.Config) is { } route)
        {
            audit.Denied(context, route, authorizeResult.Challenged ? "unauthenticated" : "policy");
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
