using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Gateway.Authorization;

/// <summary>
/// The framework's policy evaluator, with a shorter way for a policy that passes: when every requirement is one the
/// gateway's policies are made of (an authenticated caller, a claim or claim values) and the caller meets them all, the
/// answer is success without building the authorization service's context, handlers and tasks for the request. Any
/// other policy, and every refusal, goes through the framework's evaluation unchanged, with its logs and failure details.
/// </summary>
internal sealed class GatewayPolicyEvaluator : PolicyEvaluator
{
    private static readonly Task<PolicyAuthorizationResult> Succeeded = Task.FromResult(PolicyAuthorizationResult.Success());
    private readonly bool _shortcut;

    public GatewayPolicyEvaluator(
        IAuthorizationService authorization, IAuthorizationEvaluator evaluator, IAuthorizationHandlerProvider handlerProvider, IEnumerable<IAuthorizationHandler> handlers)
        : base(authorization)
    {
        // Only the framework's own service, evaluator, handler provider and handler judge the requirements, so their
        // meaning is the one below.
        var framework = typeof(DefaultAuthorizationService).Assembly;
        _shortcut = authorization.GetType().Assembly == framework
            && evaluator.GetType().Assembly == framework
            && handlerProvider.GetType().Assembly == framework
            && handlers.All(handler => handler is PassThroughAuthorizationHandler);
    }

    public override Task<PolicyAuthorizationResult> AuthorizeAsync(AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource) =>
        _shortcut && MeetsEvery(policy.Requirements, context.User)
            ? Succeeded
            : base.AuthorizeAsync(policy, authenticationResult, context, resource);

    /// <summary>True when every requirement is a known kind and <paramref name="user"/> meets it; false means "ask the framework".</summary>
    private static bool MeetsEvery(IReadOnlyList<IAuthorizationRequirement> requirements, ClaimsPrincipal? user)
    {
        if (user is null || requirements.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < requirements.Count; i++)
        {
            var met = requirements[i] switch
            {
                DenyAnonymousAuthorizationRequirement => IsAuthenticated(user),
                ClaimsAuthorizationRequirement claim => HasClaim(user, claim),
                _ => false,
            };
            if (!met)
            {
                return false;
            }
        }

        return true;
    }

    // As DenyAnonymousAuthorizationRequirement judges: some identity is authenticated.
    private static bool IsAuthenticated(ClaimsPrincipal user)
    {
        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated)
            {
                return true;
            }
        }

        return false;
    }

    // As ClaimsAuthorizationRequirement judges: a claim of the type (any case), with one of the allowed values (exact) if any.
    private static bool HasClaim(ClaimsPrincipal user, ClaimsAuthorizationRequirement requirement)
    {
        var allowed = requirement.AllowedValues;
        var anyValue = allowed is null || !allowed.Any();
        foreach (var identity in user.Identities)
        {
            foreach (var claim in identity.Claims)
            {
                if (string.Equals(claim.Type, requirement.ClaimType, StringComparison.OrdinalIgnoreCase)
                    && (anyValue || allowed!.Contains(claim.Value, StringComparer.Ordinal)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
