namespace Gateway.Routing;

/// <summary>A YARP route's download settings, compiled once per configuration load.</summary>
/// <param name="RouteId">The YARP route id.</param>
/// <param name="StoreName">The store that signs for this route.</param>
/// <param name="KeyTemplate">How route values become the object key.</param>
/// <param name="UrlLifetime">How long signed URLs stay valid.</param>
/// <param name="Disposition">Default <c>attachment</c> or <c>inline</c> for the signed response, or null for the store's own.</param>
/// <param name="ContentType">Default media type for the signed response, or null for the object's own.</param>
/// <param name="CheckExists">Ask the store whether the object exists before redirecting to it.</param>
/// <param name="Proxy">Stream the object through the gateway (for clients that cannot follow redirects) instead of redirecting.</param>
/// <param name="RateLimitPolicy">The signing rate limit policy, or null when the route turned limiting off.</param>
/// <param name="AllowInline">Whether a caller may ask for <c>inline</c> when the route's default is <c>attachment</c>.</param>
/// <param name="Signing">The CDN and COS bandwidth cap the link is signed with, if any.</param>
/// <param name="Listing">Whether a path ending in <c>/</c> answers a folder page; the key template then ends with the path's catch-all.</param>
internal sealed record DownloadRoute(
    string RouteId,
    string StoreName,
    ObjectKeyTemplate KeyTemplate,
    TimeSpan UrlLifetime,
    string? Disposition = null,
    string? ContentType = null,
    bool CheckExists = false,
    bool Proxy = false,
    string? RateLimitPolicy = null,
    bool AllowInline = false,
    RouteSigning? Signing = null,
    bool Listing = false);
