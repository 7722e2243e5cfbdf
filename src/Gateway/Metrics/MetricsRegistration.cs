using Gateway.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Gateway.Metrics;

/// <summary>
/// Registers <c>Gateway:Metrics:Prometheus</c> with its validation and, when it is on, a Prometheus reader on the same
/// meter provider as the OTLP exporter (so both carry the same meters), the scrape port added to the server's URLs, and
/// the scrape endpoint. When it is off nothing is added: the path is an ordinary 404.
/// </summary>
internal static class MetricsRegistration
{
    public static void AddGatewayMetrics(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<PrometheusOptions>().BindConfiguration(PrometheusOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrometheusOptions>, PrometheusOptionsValidator>());

        var prometheus = builder.Configuration.GetSection(PrometheusOptions.SectionName).Get<PrometheusOptions>() ?? new PrometheusOptions();
        if (!prometheus.Enabled)
        {
            return;
        }

        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
        if (prometheus.ListenUrl is { Length: > 0 } listenUrl)
        {
            // Added to the configured URLs: an explicit Kestrel endpoint would replace them instead.
            builder.WebHost.UseUrls([.. PrometheusOptionsValidator.ServerUrls(builder.Configuration), listenUrl]);
        }
    }

    /// <summary>
    /// Maps the scrape endpoint when it is on: behind its policy, and, with a port of its own, answering on that port only
    /// while that port answers nothing else. Goes before routing, so the port check runs first.
    /// </summary>
    public static void UseGatewayMetrics(this WebApplication app)
    {
        var prometheus = app.Services.GetRequiredService<IOptions<PrometheusOptions>>().Value;
        if (!prometheus.Enabled)
        {
            return;
        }

        var path = new PathString(prometheus.Path);
        if (prometheus.ListenPort is { } port)
        {
            app.Use((context, next) => (context.Connection.LocalPort == port) == context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase)
                ? next(context)
                : NotFoundAsync(context));
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(prometheus.Path);
        if (prometheus.Policy is { Length: > 0 } policy)
        {
            endpoint.RequireAuthorization(policy);
        }
        else
        {
            // Confined to its own port by the validation; the network in front of that port decides who scrapes.
            endpoint.AllowAnonymous();
        }
    }

    private static Task NotFoundAsync(HttpContext context) =>
        Problems.WriteAsync(context, StatusCodes.Status404NotFound, ReasonPhrases.GetReasonPhrase(StatusCodes.Status404NotFound));
}
