using Gateway.Audit;
using Gateway.Authentication;
using Gateway.Authorization;
using Gateway.Configuration;
using Gateway.Redirect;
using Gateway.Routing;
using Gateway.Stores;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Wires the gateway into a host: <see cref="AddGateway"/> for services, <see cref="MapGateway"/> for the pipeline.</summary>
internal static class GatewayServiceCollectionExtensions
{
    /// <summary>Adds configuration files, options with start-up validation, authentication, authorization, stores, audit and YARP.</summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddGatewayFiles();
        var services = builder.Services;

        services.AddOptionsWithValidateOnStart<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.AddOptionsWithValidateOnStart<JwtOptions>().BindConfiguration(JwtOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StoreRegistry>();
        services.TryAddSingleton<DownloadRouteTable>();
        services.TryAddSingleton<IDownloadAuthorizer, ClaimEqualsRouteValueAuthorizer>();
        services.TryAddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>());
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AuthorizationOptions>, PolicyRegistration>());
        services.AddProblemDetails();

        builder.AddGatewayTelemetry();

        services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection(ProxyRouteSettings.SectionName))
            .AddConfigFilter<DownloadRouteConfigFilter>();

        return builder;
    }

    /// <summary>Builds the pipeline: routing, the download method check, authentication, authorization, then YARP with the redirect step.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        // Resolving the options runs every validator now, so bad configuration stops start-up with all its errors.
        _ = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        _ = app.Services.GetRequiredService<StoreRegistry>();

        app.UseRouting();
        app.UseMiddleware<DownloadMethodMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<DownloadRedirectMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

        return app;
    }
}
