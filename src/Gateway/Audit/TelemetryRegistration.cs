using OpenTelemetry.Resources;
using OpenTelemetry;
using OpenTelemetry.Trace;
using OpenTelemetry.Metrics;

namespace Gateway.Audit;

/// <summary>Registers tracing and metrics; OTLP export is on whenever <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
internal static class TelemetryRegistration
{
    /// <summary>The service name in resource attributes, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "object-storage-gateway";

    private const string YarpSource = "Yarp.ReverseProxy";

    public static void AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayTelemetry>();
        builder.Services.AddSingleton<DownloadAudit>();

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(GatewayTelemetry.Name, YarpSource)
                .AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(GatewayTelemetry.Name));

        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }
}
