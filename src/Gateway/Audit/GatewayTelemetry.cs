using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Audit;

/// <summary>The gateway's one <see cref="ActivitySource"/> and one <see cref="Meter"/>.</summary>
internal sealed class GatewayTelemetry : IDisposable
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Gateway";

    /// <summary>The name of every audit span.</summary>
    public const string DownloadActivityName = "gateway.download";

    private static readonly string Version = Hosting.GatewayVersion.Current;

    // Signing takes microseconds (STS fetches happen in the background): the default buckets, made for milliseconds,
    // would put every sample in the first one and make the p50/p99 meaningless.
    private static readonly InstrumentAdvice<double> SigningDurationBuckets = new()
    {
        HistogramBucketBoundaries = [0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1],
    };

    public GatewayTelemetry()
    {
        ActivitySource = new ActivitySource(new ActivitySourceOptions(Name) { Version = Version });
        Meter = new Meter(new MeterOptions(Name) { Version = Version });
        Decisions = Meter.CreateCounter<long>("gateway.download.decisions", "{decision}", "Download decisions by route and outcome.");
        SigningDuration = Meter.CreateHistogram("gateway.signing.duration", "s", "Time to sign one URL.", tags: null, advice: SigningDurationBuckets);
        CredentialRefreshes = Meter.CreateCounter<long>("gateway.credentials.refreshes", "{refresh}", "Temporary-key fetches by store and outcome (success or failure).");
        ExportFailures = Meter.CreateCounter<long>("gateway.telemetry.export.failures", "{span}", "Audit spans whose export to the collector failed.");
        Dropped = Meter.CreateCounter<long>("gateway.telemetry.dropped", "{span}", "Audit spans dropped because the export queue was full.");
        RateLimitFallbacks = Meter.CreateCounter<long>("gateway.ratelimit.fallbacks", "{request}", "Signing-limit checks decided by the local fallback buckets because Redis was unreachable.");
    }

    /// <summary>The source of audit spans.</summary>
    public ActivitySource ActivitySource { get; }

    /// <summary>The gateway's meter.</summary>
    public Meter Meter { get; }

    /// <summary>Counts decisions, tagged with route and decision.</summary>
    public Counter<long> Decisions { get; }

    /// <summary>Signing latency in seconds.</summary>
    public Histogram<double> SigningDuration { get; }

    /// <summary>Temporary-key fetches, tagged with store and outcome.</summary>
    public Counter<long> CredentialRefreshes { get; }

    /// <summary>Audit spans the collector did not take.</summary>
    public Counter<long> ExportFailures { get; }

    /// <summary>Audit spans dropped before export because the queue was full.</summary>
    public Counter<long> Dropped { get; }

    /// <summary>Signing-limit checks the local fallback buckets decided while Redis was unreachable.</summary>
    public Counter<long> RateLimitFallbacks { get; }

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}

/// <summary>Audit attribute names; OpenTelemetry semantic conventions where they exist.</summary>
internal static class AuditTags
{
    public const string Decision = "gateway.decision";
    public const string Reason = "gateway.reason";
    public const string Subject = "enduser.id";
    public const string RouteId = "gateway.route.id";
    public const string HttpRoute = "http.route";
    public const string Method = "http.request.method";
    public const string UrlPath = "url.path";
    public const string Store = "gateway.store";
    public const string Bucket = "gateway.bucket";
    public const string ObjectKey = "gateway.object.key";
    public const string ListingPrefix = "gateway.listing.prefix";
    public const string ListingEntries = "gateway.listing.entries";
    public const string UrlExpiresAt = "gateway.url.expires_at";
    public const string CredentialKind = "gateway.credential.kind";
    public const string Signer = "gateway.signer";
    public const string RuleId = "gateway.rule.id";
    public const string RulesVersion = "gateway.rules.version";
    public const string ClientAddress = "client.address";
    public const string UserAgent = "user_agent.original";
    public const string ClaimPrefix = "gateway.claim.";
    public const string Outcome = "gateway.outcome";
}

/// <summary>The outcomes an audit record can carry.</summary>
internal static class AuditDecisions
{
    public const string Allow = "allow";
    public const string Deny = "deny";
    public const string Error = "error";

    /// <summary>The rule id of a decision no rule made (401, 405, 429, a route policy, a bad key), and an absent subject.</summary>
    public const string None = "none";
}
