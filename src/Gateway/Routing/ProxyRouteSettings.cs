using Yarp.ReverseProxy.Configuration;

namespace Gateway.Routing;

/// <summary>Reads the parts of <c>ReverseProxy:Routes</c> that download routes use, so start-up can check them all at once.</summary>
internal static class ProxyRouteSettings
{
    /// <summary>The YARP configuration section.</summary>
    public const string SectionName = "ReverseProxy";

    /// <summary>Returns each configured route with its id, cluster, order, policy, path and metadata.</summary>
    public static IEnumerable<RouteConfig> Read(IConfiguration configuration)
    {
        foreach (var section in configuration.GetSection($"{SectionName}:Routes").GetChildren())
        {
            var metadata = section.GetSection("Metadata").GetChildren()
                .Where(entry => entry.Value is not null)
                .ToDictionary(entry => entry.Key, entry => entry.Value!, StringComparer.OrdinalIgnoreCase);

            yield return new RouteConfig
            {
                RouteId = section["RouteId"] ?? section.Key,
                ClusterId = section["ClusterId"],
                Order = int.TryParse(section["Order"], out var order) ? order : null,
                AuthorizationPolicy = section["AuthorizationPolicy"],
                RateLimiterPolicy = section["RateLimiterPolicy"],
                Match = new RouteMatch { Path = section["Match:Path"] },
                Metadata = metadata,
            };
        }
    }
}
