namespace Gateway.Routing;

/// <summary>A YARP route's download settings, compiled once per configuration load.</summary>
/// <param name="RouteId">The YARP route id.</param>
/// <param name="StoreName">The store that signs for this route.</param>
/// <param name="KeyTemplate">How route values become the object key.</param>
/// <param name="UrlLifetime">How long signed URLs stay valid.</param>
/// <param name="ClaimChecks">Claims that must equal route values.</param>
internal sealed record DownloadRoute(
    string RouteId,
    string StoreName,
    ObjectKeyTemplate KeyTemplate,
    TimeSpan UrlLifetime,
    IReadOnlyList<ClaimEqualsRouteValue> ClaimChecks);

/// <summary>The caller's claim <paramref name="ClaimType"/> must equal the route value <paramref name="RouteValue"/>.</summary>
/// <param name="ClaimType">The claim type, as it appears in the token (for example <c>tenant</c>).</param>
/// <param name="RouteValue">The route value name (for example <c>tenant</c>).</param>
internal readonly record struct ClaimEqualsRouteValue(string ClaimType, string RouteValue);
