using System.Globalization;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Routing.Patterns;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Routing;

/// <summary>Turns a YARP route's metadata into a <see cref="DownloadRoute"/>, reporting every problem.</summary>
internal static class DownloadRouteCompiler
{
    /// <summary>The SigV4 cap, which the gateway applies to every store.</summary>
    public static readonly TimeSpan MaxUrlLifetime = TimeSpan.FromDays(7);

    /// <summary>Returns every problem with the route's download settings; none for a route that is not a download route.</summary>
    public static IReadOnlyList<string> Validate(RouteConfig route, DownloadRouteContext context)
    {
        var errors = new List<string>();
        Compile(route, context, errors);
        return errors;
    }

    /// <summary>Compiles the route, or returns null when it is not a download route or <paramref name="errors"/> gained a problem.</summary>
    public static DownloadRoute? Compile(RouteConfig route, DownloadRouteContext context, List<string> errors)
    {
        var metadata = route.Metadata;
        if (metadata is null || !metadata.TryGetValue(DownloadMetadata.Store, out var storeName))
        {
            return null;
        }

        if (!context.Stores.Contains(storeName))
        {
            var known = context.Stores.Count == 0 ? "none is configured" : "the stores are " + string.Join(", ", context.Stores.Order(StringComparer.Ordinal));
            errors.Add($"Metadata '{DownloadMetadata.Store}' names the store '{storeName}', which is not configured under Gateway:Stores ({known}).");
        }

        if (string.IsNullOrEmpty(route.ClusterId))
        {
            errors.Add("A download route needs a ClusterId (the store's cluster).");
        }

        var routeParameters = RouteParameters(route, errors);
        var template = ObjectKeyTemplate.TryParse(metadata.GetValueOrDefault(DownloadMetadata.KeyTemplate), out var templateError);
        if (template is null)
        {
            errors.Add($"Metadata '{DownloadMetadata.KeyTemplate}' {templateError?.TrimEnd('.').ToLowerInvariant()}.");
        }
        else
        {
            foreach (var name in template.Placeholders.Where(p => !routeParameters.Contains(p)))
            {
                errors.Add($"Metadata '{DownloadMetadata.KeyTemplate}' uses '{{{name}}}', which is not a parameter of Match.Path.");
            }
        }

        var lifetime = context.DefaultUrlLifetime;
        if (metadata.TryGetValue(DownloadMetadata.UrlLifetime, out var lifetimeText)
            && (!TimeSpan.TryParse(lifetimeText, CultureInfo.InvariantCulture, out lifetime)
                || lifetime < TimeSpan.FromSeconds(1)
                || lifetime > MaxUrlLifetime))
        {
            errors.Add($"Metadata '{DownloadMetadata.UrlLifetime}' must be a TimeSpan from 00:00:01 to 7.00:00:00.");
        }

        var disposition = metadata.GetValueOrDefault(DownloadMetadata.Disposition);
        if (disposition is not null and not ("attachment" or "inline"))
        {
            errors.Add($"Metadata '{DownloadMetadata.Disposition}' must be 'attachment' or 'inline'.");
        }

        var contentType = metadata.GetValueOrDefault(DownloadMetadata.ContentType);
        if (contentType is not null && !Redirect.ResponseOverrides.IsMediaType(contentType))
        {
            errors.Add($"Metadata '{DownloadMetadata.ContentType}' must be a media type such as 'application/pdf'.");
        }

        var allowInline = false;
        if (metadata.TryGetValue(DownloadMetadata.AllowInline, out var allowInlineText) && !bool.TryParse(allowInlineText, out allowInline))
        {
            errors.Add($"Metadata '{DownloadMetadata.AllowInline}' must be 'true' or 'false'.");
        }

        var checkExists = false;
        if (metadata.TryGetValue(DownloadMetadata.CheckExists, out var checkText) && !bool.TryParse(checkText, out checkExists))
        {
            errors.Add($"Metadata '{DownloadMetadata.CheckExists}' must be 'true' or 'false'.");
        }

        var mode = metadata.GetValueOrDefault(DownloadMetadata.Mode) ?? "redirect";
        if (mode is not ("redirect" or "proxy"))
        {
            errors.Add($"Metadata '{DownloadMetadata.Mode}' must be 'redirect' or 'proxy'.");
        }

        var listing = false;
        if (metadata.TryGetValue(DownloadMetadata.Listing, out var listingText) && !bool.TryParse(listingText, out listing))
        {
            errors.Add($"Metadata '{DownloadMetadata.Listing}' must be 'true' or 'false'.");
        }
        else if (listing && template is not null && !EndsWithCatchAll(route, template))
        {
            errors.Add($"Metadata '{DownloadMetadata.Listing}' needs Match.Path to end with a catch-all parameter ('{{**path}}') and '{DownloadMetadata.KeyTemplate}' to end with it.");
        }

        var rateLimitPolicy = RateLimitPolicy(route, context.RateLimits);
        // A missing default policy is reported once, for Gateway:RateLimits:DefaultPolicy; here only the route's own choice.
        if (route.RateLimiterPolicy is { Length: > 0 } && rateLimitPolicy is not null && !context.RateLimits.Policies.ContainsKey(rateLimitPolicy))
        {
            errors.Add($"RateLimiterPolicy must name a policy under Gateway:RateLimits:Policies, or be '{RateLimitOptions.Disable}'.");
        }

        var signing = RouteSigning.Compile(metadata, storeName, mode == "proxy", disposition is not null || contentType is not null || allowInline, context.Signing, errors);
        return errors.Count == 0 && template is not null
            ? new DownloadRoute(route.RouteId, storeName, template, lifetime, disposition, contentType, checkExists, Proxy: mode == "proxy", rateLimitPolicy, allowInline, signing, listing)
            : null;
    }

    /// <summary>The route's own policy, the default when it names none, or null when it turns limiting off.</summary>
    private static string? RateLimitPolicy(RouteConfig route, RateLimitOptions limits) => route.RateLimiterPolicy switch
    {
        null or "" => limits.DefaultPolicy,
        var name when string.Equals(name, RateLimitOptions.Disable, StringComparison.OrdinalIgnoreCase) => null,
        var name => name,
    };

    /// <summary>Whether the path pattern's last segment is one catch-all parameter, and the key template ends with it.</summary>
    private static bool EndsWithCatchAll(RouteConfig route, ObjectKeyTemplate template)
    {
        try
        {
            return route.Match.Path is { } path && RoutePatternFactory.Parse(path).PathSegments is [.., { Parts: [RoutePatternParameterPart { IsCatchAll: true } last] }]
                && string.Equals(last.Name, template.TrailingPlaceholder, StringComparison.OrdinalIgnoreCase);
        }
        catch (RoutePatternException)
        {
            return false;
        }
    }

    private static HashSet<string> RouteParameters(RouteConfig route, List<string> errors)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (route.Match.Path is not { } path)
        {
            errors.Add("A download route needs Match.Path.");
            return names;
        }

        try
        {
            foreach (var parameter in RoutePatternFactory.Parse(path).Parameters)
            {
                names.Add(parameter.Name);
            }
        }
        catch (RoutePatternException)
        {
            errors.Add("Match.Path is not a valid route pattern.");
        }

        return names;
    }
}
