using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Gateway.Audit;

/// <summary>The gateway's one <see cref="ActivitySource"/> and one <see cref="Meter"/>.</summary>
internal sealed class GatewayTelemetry : IDisposable
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Gateway";

    /// <summary>The name of every audit span.</summary>
    public const string DownloadActivityName = "gateway.download";

    private static readonly string? Version = typeof(GatewayTelemetry).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public GatewayTelemetry()
    {
        ActivitySource = new ActivitySource(new ActivitySourceOptions(Name) { Version = Version });
        Meter = new Meter(new MeterOptions(Name) { Version = Version });
        Decisions = Meter.CreateCounter<long>("gateway.download.decisions", "{decision}", "Download decisions by route and outcome.");
        SigningDuration = Meter.CreateHistogram<double>("gateway.signing.duration", "s", "Time to sign one URL.");
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
}
