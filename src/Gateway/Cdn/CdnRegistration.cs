using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Cdn;

/// <summary>Registers the CDN signers: their options, validation and registry.</summary>
internal static class CdnRegistration
{
    public static IServiceCollection AddGatewayCdns(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<CdnOptions>().BindConfiguration(CdnOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CdnOptions>, CdnOptionsValidator>());
        services.TryAddSingleton<CdnRegistry>();
        return services;
    }
}
