using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Stores;

/// <summary>Registers the stores: their options and validation, the registry with its STS client, the readiness check and the existence check.</summary>
internal static class StoreRegistration
{
    public static IServiceCollection AddGatewayStores(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<StoresOptions>().BindConfiguration(StoresOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoresOptions>, StoresOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StoreRegistry>();
        services.AddHttpClient(StoreRegistry.StsHttpClient).AddStandardResilienceHandler(resilience =>
        {
            resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
            resilience.Retry.MaxRetryAttempts = 3;
        });
        services.AddHealthChecks().AddCheck<StoreCredentialsHealthCheck>("store-credentials", tags: [StoreCredentialsHealthCheck.ReadyTag]);

        services.TryAddSingleton<ObjectExistence>();
        services.AddMemoryCache(cache => cache.SizeLimit = 100_000);
        services.AddHttpClient(ObjectExistence.StoreHttpClient);
        return services;
    }
}
