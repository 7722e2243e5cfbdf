using Gateway.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Redis;

/// <summary>
/// Registers <c>Gateway:Redis</c> with its validation, the connection (opened at start-up when configured) and the
/// Data Protection key ring in Redis, encrypted at rest with <c>DataProtectionCertificate</c> when one is given.
/// Without the setting nothing connects and the key ring stays where <c>Authentication:Oidc:Session:KeysDirectory</c>
/// puts it.
/// </summary>
internal static class RedisRegistration
{
    public static void AddGatewayRedis(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<RedisOptions>().BindConfiguration(RedisOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        services.TryAddSingleton(typeof(ConfiguredOptions<>));

        services.TryAddSingleton<RedisConnection>();
        services.AddHostedService(provider => provider.GetRequiredService<RedisConnection>());

        var redis = builder.Configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();
        if (!redis.IsEnabled)
        {
            return;
        }

        // After AddDataProtection's own set-up, whose default repository this replaces.
        var dataProtection = services.AddDataProtection();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KeyManagementOptions>, RedisKeyRing>());
        if (redis.DataProtectionCertificate is { Length: > 0 } file
            && RedisKeyRing.TryLoad(GatewayConfigurationSources.ResolvePath(builder.Configuration, file), redis.DataProtectionCertificatePassword) is { } certificate)
        {
            // Read now because Data Protection takes the certificate itself; a missing or unreadable file is reported by
            // the validator, which stops start-up.
            dataProtection.ProtectKeysWithCertificate(certificate);
        }
    }
}
