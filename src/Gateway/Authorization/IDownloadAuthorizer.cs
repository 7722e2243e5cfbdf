using System.Security.Claims;
using Gateway.Routing;

namespace Gateway.Authorization;

/// <summary>Decides whether a caller may download one object key through one route. Anything not allowed is denied.</summary>
internal interface IDownloadAuthorizer
{
    /// <summary>Returns the decision and its reason.</summary>
    DownloadAuthorization Authorize(ClaimsPrincipal user, DownloadRoute route, RouteValueDictionary routeValues, string objectKey);
}

/// <summary>An authorization decision and the reason for it, fit for an audit record.</summary>
/// <param name="Allowed">Whether the download may go ahead.</param>
/// <param name="Reason">Why; never holds a secret.</param>
internal readonly record struct DownloadAuthorization(bool Allowed, string Reason);
