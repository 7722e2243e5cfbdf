using System.Globalization;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Audit;

/// <summary>
/// Registers traces, metrics and logs. Export goes over OTLP whenever the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// is set (protocol, headers and timeout from the other standard <c>OTEL_*</c> settings).
/// </summary>
internal static class TelemetryRegistration
{
    /// <summary>The service name in resource attributes, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "object-storage-gateway";

    private const string RateLimitingMeter = "Microsoft.AspNetCore.RateLimiting";
    private const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";
    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    private static readonly TimeSpan DefaultScheduleDelay = TimeSpan.FromSeconds(1);

    public static void AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        services.AddSingleton<GatewayTelemetry>();
        services.AddSingleton<DownloadAudit>();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName);
        if (!configuration.GetValue<bool>($"{AuditOptions.SectionName}:{nameof(AuditOptions.TrustIncomingTraceContext)}"))
        {
            // ASP.NET Core starts each request's activity with the propagator it finds here.
            services.AddSingleton<System.Diagnostics.DistributedContextPropagator, UntrustedTraceContext>();
        }

        // The ASP.NET Core instrumentation reads incoming headers again unless the default propagator is plain W3C
        // trace context; with it, the request's activity (trusted or not, as above) is the only parent.
        OpenTelemetry.Sdk.SetDefaultTextMapPropagator(new OpenTelemetry.Context.Propagation.TraceContextPropagator());

        var exporting = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : ServiceName,
                serviceVersion: Hosting.GatewayVersion.Current,
                autoGenerateServiceInstanceId: true))
            .WithTracing(tracing =>
            {
                // Not YARP's source: its proxy.forwarder span would repeat the server span on every request, and
                // on a redirect it forwards nothing. Not recording it saves a third span per request.
                tracing.SetSampler(new AuditSampler(AuditSampler.FromConfiguration(configuration)))
                    .AddSource(GatewayTelemetry.Name)
                    .AddAspNetCoreInstrumentation();
                if (exporting)
                {
                    tracing.AddProcessor(provider => new AuditExportProcessor(
                        new OtlpTraceExporter(TraceExporterOptions(configuration)),
                        ScheduleDelay(configuration),
                        provider.GetRequiredService<GatewayTelemetry>(),
                        provider.GetRequiredService<TimeProvider>(),
                        provider.GetRequiredService<ILogger<AuditExportProcessor>>()));
                }
            })
            .WithMetrics(metrics =>
            {
                // Besides the gateway's own: request durations by route and status, rate-limit decisions per policy, and
                // connections Kestrel refused or cut off. A Prometheus scrape endpoint (Metrics/) reads these same meters.
                metrics.AddMeter(GatewayTelemetry.Name, HostingMeter, RateLimitingMeter, KestrelMeter);
                if (exporting)
                {
                    metrics.AddOtlpExporter();
                }
            });

        if (exporting)
        {
            otel.WithLogging(logging => logging.AddOtlpExporter());
        }
    }

    /// <summary>The trace exporter's settings, read from configuration so that every provider (environment, files, tests) counts.</summary>
    private static OtlpExporterOptions TraceExporterOptions(IConfiguration configuration)
    {
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var endpoint = configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] is { Length: > 0 } tracesEndpoint
            ? new Uri(tracesEndpoint)
            : new Uri(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]!.TrimEnd('/') + (protocol == OtlpExportProtocol.HttpProtobuf ? "/v1/traces" : ""));
        var options = new OtlpExporterOptions { Endpoint = endpoint, Protocol = protocol };
        if (configuration["OTEL_EXPORTER_OTLP_HEADERS"] is { Length: > 0 } headers)
        {
            options.Headers = headers;
        }

        if (int.TryParse(configuration["OTEL_EXPORTER_OTLP_TIMEOUT"], CultureInfo.InvariantCulture, out var timeout) && timeout > 0)
        {
            options.TimeoutMilliseconds = timeout;
        }

        return options;
    }

    private static TimeSpan ScheduleDelay(IConfiguration configuration) =>
        int.TryParse(configuration["OTEL_BSP_SCHEDULE_DELAY"], CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0
            ? TimeSpan.FromMilliseconds(milliseconds)
            : DefaultScheduleDelay;
}
