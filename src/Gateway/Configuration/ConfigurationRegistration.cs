using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Registers the configuration folder, Kestrel's limits from it, and the trusted proxies.</summary>
internal static class ConfigurationRegistration
{
    public static WebApplicationBuilder AddGatewayConfiguration(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configurationFiles = builder.Configuration.AddGatewayFiles(builder.Environment.EnvironmentName);
        services.AddSingleton(_ => configurationFiles); // created by the container, so disposed with the host

        // Request line, header and timeout limits are set deliberately in config/gateway.json (Kestrel:Limits).
        services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));

        services.AddOptionsWithValidateOnStart<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidator>());
        return builder;
    }
}
