using Gateway.Configuration;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Routing;

/// <summary>
/// Finds the download route a raw request path would reach and the object key it maps to, outside a request.
/// The explain endpoint and the <c>explain</c> verb use it; requests themselves go through YARP's routing.
/// </summary>
internal sealed class DownloadPathResolver
{
    private readonly (RouteConfig Config, DownloadRoute Route, TemplateMatcher Matcher)[] _routes;

    public DownloadPathResolver(IEnumerable<RouteConfig> routes, GatewayOptions options)
    {
        _routes = [.. routes
            .Select(config => (Config: config, Route: DownloadRouteCompiler.Compile(config, options)))
            .Where(pair => pair.Route is not null && pair.Config.Match.Path is not null)
            .OrderBy(pair => pair.Config.Order ?? 0)
            .Select(pair => (pair.Config, pair.Route!, new TemplateMatcher(new RouteTemplate(RoutePatternFactory.Parse(pair.Config.Match.Path!)), []))),];
    }

    /// <summary>Resolves a raw (percent-encoded) path, decoding it once as Kestrel does; null when no download route is reached.</summary>
    public ResolvedDownload? Resolve(string rawPath)
    {
        // Kestrel answers 400 to a path with an encoded NUL before routing; PathString would throw instead.
        if (rawPath.Contains("%00", StringComparison.Ordinal))
        {
            return null;
        }

        var path = PathString.FromUriComponent(rawPath.StartsWith('/') ? rawPath : "/" + rawPath);
        foreach (var (config, route, matcher) in _routes)
        {
            var values = new RouteValueDictionary();
            if (matcher.TryMatch(path, values))
            {
                var key = route.KeyTemplate.TryBuild(values, out var error);
                return new ResolvedDownload(config, route, values, path.Value!, key, error);
            }
        }

        return null;
    }
}

/// <summary>A path resolved to a download route: its values, and the key or why there is none.</summary>
/// <param name="Config">The YARP route.</param>
/// <param name="Route">Its download settings.</param>
/// <param name="Values">The route values.</param>
/// <param name="Path">The decoded path.</param>
/// <param name="ObjectKey">The object key, or null when the values make no valid key.</param>
/// <param name="KeyError">Why there is no key.</param>
internal sealed record ResolvedDownload(RouteConfig Config, DownloadRoute Route, RouteValueDictionary Values, string Path, string? ObjectKey, string? KeyError);
