using System.Runtime.CompilerServices;
using Gateway.Configuration;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Routing;

/// <summary>
/// Finds the compiled download settings of a YARP route. Entries live as long as YARP keeps the route's config,
/// so a configuration reload brings fresh entries and old ones are collected.
/// </summary>
internal sealed class DownloadRouteTable(IOptions<GatewayOptions> options)
{
    private static readonly DownloadRoute NotADownload = new("", "", null!, TimeSpan.Zero);

    private readonly ConditionalWeakTable<RouteConfig, DownloadRoute> _routes = [];
    private readonly ConditionalWeakTable<RouteConfig, DownloadRoute>.CreateValueCallback _compile =
        route => DownloadRouteCompiler.Compile(route, options.Value) ?? NotADownload;

    /// <summary>Returns the route's download settings, or null when it is an ordinary proxy route.</summary>
    public DownloadRoute? Find(RouteConfig route)
    {
        var found = _routes.GetValue(route, _compile);
        return ReferenceEquals(found, NotADownload) ? null : found;
    }
}

/// <summary>
/// Rejects a configuration load (start-up or reload) whose download routes are invalid; YARP then keeps the last good one.
/// Gives download routes that name no rate limit policy the default one, so that signing is always limited unless a route says otherwise.
/// </summary>
internal sealed class DownloadRouteConfigFilter(IOptions<GatewayOptions> options) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => new(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        var download = DownloadRouteCompiler.Compile(route, options.Value);
        return new(download is { RateLimitPolicy: { } policy } && string.IsNullOrEmpty(route.RateLimiterPolicy)
            ? route with { RateLimiterPolicy = policy }
            : route);
    }
}
