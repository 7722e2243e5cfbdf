using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Redirect;

/// <summary>Registers what answers a download: the link issuer and the batch endpoint's JSON.</summary>
internal static class RedirectRegistration
{
    public static IServiceCollection AddDownloads(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LinkIssuer>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BatchJson.Default));
        return services;
    }
}
