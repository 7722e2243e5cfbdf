using Gateway.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Gateway.Authorization;

/// <summary>Records on the download's audit record why ASP.NET Core's authorization refused it, then answers as usual.</summary>
internal sealed class AuditingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // What the framework's handler does on success, without the closure it allocates for a refusal on every call.
        if (authorizeResult.Succeeded)
        {
            return next(context);
        }

        if (context.GetDownloadDecision() is { } decision)
        {
            decision.Decide(authorizeResult.Challenged ? DecisionReason.Unauthenticated : DecisionReason.Policy);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
