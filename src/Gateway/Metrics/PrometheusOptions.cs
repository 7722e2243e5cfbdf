using System.ComponentModel.DataAnnotations;

namespace Gateway.Metrics;

/// <summary>
/// <c>Gateway:Metrics:Prometheus</c>: a scrape endpoint serving the same meters as the OTLP export. Off by default; when on,
/// it answers only on a port of its own (<see cref="ListenUrl"/>), or only to callers a policy admits (<see cref="Policy"/>), or both.
/// </summary>
internal sealed record PrometheusOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Metrics:Prometheus";

    /// <summary>Serve the scrape endpoint; without it the path is not mapped at all (404).</summary>
    public bool Enabled { get; init; }

    /// <summary>The scrape path.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9/_.-]*$")]
    public string Path { get; init; } = "/metrics";

    /// <summary>
    /// A URL of its own that the gateway also listens on, such as <c>http://0.0.0.0:9464</c>: the scrape endpoint answers
    /// there and nothing else does, and it answers nowhere else.
    /// </summary>
    public string? ListenUrl { get; init; }

    /// <summary>An authorization policy under <c>Gateway:Policies</c> that scrapers must satisfy (a bearer token with its claims).</summary>
    public string? Policy { get; init; }

    /// <summary>The port of <see cref="ListenUrl"/>, once validated.</summary>
    public int? ListenPort => Uri.TryCreate(ListenUrl, UriKind.Absolute, out var url) ? url.Port : null;
}
