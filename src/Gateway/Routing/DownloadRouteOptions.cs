using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using Gateway.RateLimiting;
using Gateway.Stores;

namespace Gateway.Routing;

/// <summary>What download routes default to: <c>Gateway:DefaultUrlLifetime</c>. A route's own settings are its metadata.</summary>
internal sealed record DownloadRouteOptions
{
    /// <summary>The configuration section these options bind to; other features bind their own keys of it.</summary>
    public const string SectionName = "Gateway";

    /// <summary>The lifetime of a signed URL when a route does not set one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan DefaultUrlLifetime { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>What a route's download metadata is compiled against: the default lifetime, the configured stores and the signing limits.</summary>
/// <param name="DefaultUrlLifetime">The lifetime of routes that set none.</param>
/// <param name="Stores">The names of the configured stores.</param>
/// <param name="RateLimits">The signing limits routes may name.</param>
/// <param name="Signing">The stores' providers and CDNs, and the CDNs' kinds, for <see cref="RouteSigning"/>.</param>
internal sealed record DownloadRouteContext(TimeSpan DefaultUrlLifetime, IReadOnlySet<string> Stores, RateLimitOptions RateLimits, SigningTargets? Signing = null)
{
    public static DownloadRouteContext From(DownloadRouteOptions routes, StoresOptions stores, RateLimitOptions limits, Cdn.CdnOptions? cdns = null) =>
        new(routes.DefaultUrlLifetime, stores.Stores.Keys.ToFrozenSet(StringComparer.Ordinal), limits, SigningTargets.From(stores, cdns));
}
