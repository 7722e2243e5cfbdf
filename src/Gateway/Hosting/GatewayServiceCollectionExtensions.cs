using Gateway.Audit;
using Gateway.Authentication;
using Gateway.Authorization;
using Gateway.Configuration;
using Gateway.RateLimiting;
using Gateway.Redirect;
using Gateway.Routing;
using Gateway.Stores;
using Gateway.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Wires the gateway into a host: <see cref="AddGateway"/> for services, <see cref="MapGateway"/> for the pipeline.</summary>
internal static class GatewayServiceCollectionExtensions
{
    /// <summary>Adds configuration files, options with start-up validation, authentication, authorization, stores, audit and YARP.</summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configurationFiles = builder.Configuration.AddGatewayFiles(builder.Environment.EnvironmentName);
        services.AddSingleton(_ => configurationFiles); // created by the container, so disposed with the host

        // Request line, header and timeout limits are set deliberately in config/gateway.json (Kestrel:Limits).
        services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));

        services.AddOptionsWithValidateOnStart<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.AddOptionsWithValidateOnStart<JwtOptions>().BindConfiguration(JwtOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StoreRegistry>();
        services.AddHttpClient(StoreRegistry.StsHttpClient).AddStandardResilienceHandler(resilience =>
        {
            resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
            resilience.Retry.MaxRetryAttempts = 3;
        });
        services.AddHealthChecks().AddCheck<StoreCredentialsHealthCheck>("store-credentials", tags: [StoreCredentialsHealthCheck.ReadyTag]);
        services.TryAddSingleton<RuleSetProvider>();
        services.TryAddSingleton<LinkIssuer>();
        services.TryAddSingleton<CompiledDownloadRoutes>();
        services.TryAddSingleton<LiveDownloadRoutes>();
        services.TryAddSingleton<InProcessRequests>();
        services.TryAddSingleton<ObjectExistence>();
        services.AddMemoryCache(cache => cache.SizeLimit = 100_000);
        services.AddHttpClient(ObjectExistence.StoreHttpClient);
        services.TryAddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddGatewayRateLimiting();

        services.AddOptionsWithValidateOnStart<BrowserSignInOptions>().BindConfiguration(BrowserSignInOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BrowserSignInOptions>, BrowserSignInOptionsValidator>());
        services.AddOptionsWithValidateOnStart<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidator>());
        builder.AddGatewayAuthentication();
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AuthorizationOptions>, PolicyRegistration>());
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BatchJson.Default));
        services.AddExceptionHandler<GatewayExceptionHandler>();

        builder.AddGatewayTelemetry();

        services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<DownloadRouteConfigFilter>();

        return builder;
    }

    /// <summary>
    /// Builds the pipeline: routing, the download's audit record, the method check, authentication, rate limits,
    /// authorization, then YARP with the redirect step. Batch items and explain run through the same pipeline.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        // Every validator runs now, so bad configuration stops start-up with all its errors at once.
        StartupValidation.ThrowIfInvalid(app.Services);
        app.Services.GetRequiredService<LastGoodConfigurationFiles>().UseLogger(app.Services.GetRequiredService<ILogger<LastGoodConfigurationFiles>>());

        app.UseExceptionHandler();
        var forwarded = app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value;
        if (forwarded.IsEnabled)
        {
            app.UseForwardedHeaders(forwarded.ToOptions());
        }

        app.Services.GetRequiredService<LiveDownloadRoutes>().Use(app);

        // Batch items enter here, after the client's address is settled.
        app.Services.GetRequiredService<InProcessRequests>().Capture(app);
        app.UseStatusCodePages(context => Problems.WriteAsync(
            context.HttpContext, context.HttpContext.Response.StatusCode, ReasonPhrases.GetReasonPhrase(context.HttpContext.Response.StatusCode)));
        app.UseRouting();
        app.UseMiddleware<InProcessRequestMiddleware>();
        app.UseMiddleware<DownloadAuditMiddleware>();
        app.UseMiddleware<DownloadMethodMiddleware>();
        app.UseAuthentication();

        // After authentication, so limits count per subject; before authorization, so denied floods are limited too.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapHealth();
        app.MapSignOut();
        app.MapExplain();
        app.MapBatchLinks();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<DownloadRedirectMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        }).WithDownloadRoutes(app.Services.GetRequiredService<CompiledDownloadRoutes>());

        return app;
    }
}
