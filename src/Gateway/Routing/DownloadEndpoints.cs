using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing.Patterns;
using Gateway.Stores;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Routing;

/// <summary>
/// Compiles each route's download metadata once per configuration load (start-up or reload), in YARP's config filter.
/// An invalid route fails the load, naming the route and the setting, and YARP keeps the last good configuration.
/// </summary>
internal sealed class DownloadRouteConfigFilter(DownloadRouteContext context, StoreRegistry stores, CompiledDownloadRoutes compiled) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => new(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        var errors = new List<string>();
        var download = DownloadRouteCompiler.Compile(route, context, errors);
        if (download is not null && !stores.Covers(download))
        {
            errors.Add($"Metadata '{DownloadMetadata.KeyTemplate}' reaches keys outside those store '{download.StoreName}' requested temporary keys for at start-up; restart the gateway to widen its access policy.");
        }

        if (errors.Count > 0)
        {
            // Worded as at start-up: each problem with its setting's path (the value is in the file being loaded).
            var problems = Configuration.ConfigurationProblems.Describe(errors.Select(error => $"Property ReverseProxy:Routes:{route.RouteId}: {error}"), configuration: null);
            throw new InvalidOperationException($"Route '{route.RouteId}' was rejected: {string.Join("; ", problems)}");
        }

        if (download is not null)
        {
            compiled.Hand(route, download);
        }

        return new(route);
    }
}

/// <summary>
/// Carries a compiled route from the config filter to its endpoint. Read only when YARP builds an endpoint, never per
/// request; an entry lives as long as YARP keeps the route's config.
/// </summary>
internal sealed class CompiledDownloadRoutes
{
    private readonly ConditionalWeakTable<RouteConfig, DownloadRoute> _routes = [];

    public void Hand(RouteConfig config, DownloadRoute route) => _routes.AddOrUpdate(config, route);

    public DownloadRoute? Take(RouteConfig config) => _routes.TryGetValue(config, out var route) ? route : null;
}

/// <summary>Puts the compiled route on its endpoint, where every step reads it, and the default signing limit on download routes that name none.</summary>
internal static class DownloadEndpointConventions
{
    public static ReverseProxyConventionBuilder WithDownloadRoutes(this ReverseProxyConventionBuilder proxy, CompiledDownloadRoutes compiled) =>
        proxy.ConfigureEndpoints((endpoint, config) =>
        {
            if (compiled.Take(config) is not { } route)
            {
                return;
            }

            endpoint.WithMetadata(route);
            if (string.IsNullOrEmpty(config.RateLimiterPolicy) && route.RateLimitPolicy is { } policy)
            {
                endpoint.RequireRateLimiting(policy);
            }
        });
}

/// <summary>The download routes being served now: those on the application's endpoints, as YARP last built them.</summary>
internal sealed class LiveDownloadRoutes
{
    private IEndpointRouteBuilder? _endpoints;

    /// <summary>Reads the routes from <paramref name="endpoints"/> from now on.</summary>
    public void Use(IEndpointRouteBuilder endpoints) => _endpoints = endpoints;

    public IEnumerable<DownloadRoute> All => (_endpoints?.DataSources ?? [])
        .SelectMany(source => source.Endpoints)
        .Select(endpoint => endpoint.Metadata.GetMetadata<DownloadRoute>())
        .OfType<DownloadRoute>();

    /// <summary>The download routes with the path pattern each one matches.</summary>
    public IEnumerable<(DownloadRoute Route, RoutePattern Pattern)> WithPatterns => (_endpoints?.DataSources ?? [])
        .SelectMany(source => source.Endpoints)
        .OfType<RouteEndpoint>()
        .Where(endpoint => endpoint.Metadata.GetMetadata<DownloadRoute>() is not null)
        .Select(endpoint => (endpoint.Metadata.GetMetadata<DownloadRoute>()!, endpoint.RoutePattern));
}
