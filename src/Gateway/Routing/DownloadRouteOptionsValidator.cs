using Gateway.Configuration;
using Gateway.RateLimiting;
using Gateway.Stores;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Routing;

/// <summary>Checks data annotations on <see cref="DownloadRouteOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class DownloadRouteOptionsAnnotationsValidator : IValidateOptions<DownloadRouteOptions>;

/// <summary>
/// Checks the default lifetime and every download route YARP starts with against the configured stores and limits,
/// as the config filter will compile them. Each error names the route and the setting, never a value; the stores' and
/// the limits' own problems are reported by their validators.
/// </summary>
internal sealed class DownloadRouteOptionsValidator(
    IProxyConfigProvider proxyConfig,
    ConfiguredOptions<StoresOptions> stores,
    ConfiguredOptions<RateLimitOptions> rateLimits,
    ConfiguredOptions<Cdn.CdnOptions> cdns) : IValidateOptions<DownloadRouteOptions>
{
    public ValidateOptionsResult Validate(string? name, DownloadRouteOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new DownloadRouteOptionsAnnotationsValidator().Validate(DownloadRouteOptions.SectionName, options));

        var context = DownloadRouteContext.From(options, stores.Current(), rateLimits.Current(), cdns.Current());
        foreach (var route in proxyConfig.GetConfig().Routes)
        {
            foreach (var error in DownloadRouteCompiler.Validate(route, context))
            {
                builder.AddError(error, $"ReverseProxy:Routes:{route.RouteId}");
            }
        }

        return builder.Build();
    }
}
