using System.Security.Claims;
using Gateway.Routing;

namespace Gateway.Authorization;

/// <summary>
/// Allows a download when the caller is authenticated and every claim the route names equals its route value
/// (ordinal comparison; a multi-valued claim matches when one value equals). A missing claim denies.
/// </summary>
internal sealed class ClaimEqualsRouteValueAuthorizer : IDownloadAuthorizer
{
    public DownloadAuthorization Authorize(ClaimsPrincipal user, DownloadRoute route, RouteValueDictionary routeValues, string objectKey)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return new(false, "unauthenticated");
        }

        foreach (var check in route.ClaimChecks)
        {
            if (routeValues.GetValueOrDefault(check.RouteValue) is not string expected || !HasClaim(user, check.ClaimType, expected))
            {
                return new(false, "claim-mismatch:" + check.ClaimType);
            }
        }

        return new(true, route.ClaimChecks.Count == 0 ? "authenticated" : "claims-match");
    }

    private static bool HasClaim(ClaimsPrincipal user, string type, string expected)
    {
        foreach (var identity in user.Identities)
        {
            foreach (var claim in identity.Claims)
            {
                if (string.Equals(claim.Type, type, StringComparison.Ordinal) && string.Equals(claim.Value, expected, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
