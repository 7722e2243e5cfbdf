using Gateway.Configuration;
using Gateway.RateLimiting;
using Gateway.Stores;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Routing;

/// <summary>Registers YARP with its routes from <c>ReverseProxy</c>, the download routes' compilation and validation, and the live route view.</summary>
internal static class RoutingRegistration
{
    public static IServiceCollection AddDownloadRoutes(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<DownloadRouteOptions>().BindConfiguration(DownloadRouteOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DownloadRouteOptions>, DownloadRouteOptionsValidator>());
        services.TryAddSingleton(typeof(ConfiguredOptions<>));

        services.TryAddSingleton(provider => DownloadRouteContext.From(
            provider.GetRequiredService<IOptions<DownloadRouteOptions>>().Value,
            provider.GetRequiredService<IOptions<StoresOptions>>().Value,
            provider.GetRequiredService<IOptions<RateLimitOptions>>().Value,
            provider.GetRequiredService<IOptions<Cdn.CdnOptions>>().Value));
        services.TryAddSingleton<CompiledDownloadRoutes>();
        services.TryAddSingleton<LiveDownloadRoutes>();

        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<DownloadRouteConfigFilter>();
        return services;
    }
}
