using Gateway.Audit;
using Gateway.Authentication;
using Gateway.Authorization;
using Gateway.Cdn;
using Gateway.Configuration;
using Gateway.RateLimiting;
using Gateway.Redirect;
using Gateway.Redis;
using Gateway.Routing;
using Gateway.Stores;
using Gateway.Diagnostics;
using Gateway.Listing;
using Gateway.Metrics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Wires the gateway into a host: <see cref="AddGateway"/> for services, <see cref="MapGateway"/> for the pipeline.</summary>
internal static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds each feature with its options, their start-up validation and its services: the configuration folder,
    /// authentication, authorization, shared state (Redis), signing limits, stores, download routes (YARP), downloads, in-process requests,
    /// problem answers, telemetry and its Prometheus scrape endpoint.
    /// </summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.AddGatewayConfiguration();
        builder.AddGatewayAuthentication();
        builder.AddGatewayRedis();
        builder.Services
            .AddGatewayAuthorization()
            .AddGatewayRateLimiting()
            .AddGatewayStores()
            .AddGatewayCdns()
            .AddDownloadRoutes(builder.Configuration)
            .AddDownloads()
            .AddFolderListing()
            .AddInProcessRequests()
            .AddGatewayDiagnostics();
        builder.AddGatewayTelemetry();
        builder.AddGatewayMetrics();
        return builder;
    }

    /// <summary>
    /// Builds the pipeline: routing, the download's audit record, the method check, authentication (a remembered bearer
    /// token first), a 404 for a path no endpoint serves, rate limits, authorization, then YARP with the redirect step.
    /// Batch items and explain run through the same pipeline.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        // Every validator runs now, so bad configuration stops start-up with all its errors at once.
        StartupValidation.ThrowIfInvalid(app.Services);
        StartupLog.Starting(app.Logger, GatewayVersion.Current, app.Environment.EnvironmentName, app.Configuration[GatewayConfigurationSources.ResolvedDirectoryKey]);
        app.Services.GetRequiredService<RuleSetProvider>(); // the rules in force from the first request on
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
        app.UseGatewayMetrics();
        app.UseRouting();
        app.UseMiddleware<InProcessRequestMiddleware>();
        app.UseMiddleware<DownloadAuditMiddleware>();
        app.UseMiddleware<DownloadMethodMiddleware>();
        app.UseGatewayAuthentication();
        app.UseMiddleware<UnmatchedPathMiddleware>();

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
