using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Gateway.Authorization;

/// <summary>
/// Deny by default: the fallback policy requires an authenticated caller, so a route is public only when it says
/// <c>"AuthorizationPolicy": "anonymous"</c>. Named policies from <c>Gateway:Policies</c> are added here.
/// </summary>
internal sealed class PolicyRegistration(IOptions<GatewayAuthorizationOptions> options) : IConfigureOptions<AuthorizationOptions>
{
    public void Configure(AuthorizationOptions authorization)
    {
        var authenticated = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        authorization.DefaultPolicy = authenticated;
        authorization.FallbackPolicy = authenticated;

        foreach (var (name, policy) in options.Value.Policies)
        {
            authorization.AddPolicy(name, builder =>
            {
                builder.RequireAuthenticatedUser();
                foreach (var (claim, values) in policy.RequiredClaims)
                {
                    builder.RequireClaim(claim, values);
                }

                foreach (var claim in policy.RequiredClaimTypes)
                {
                    builder.RequireClaim(claim);
                }
            });
        }
    }
}
