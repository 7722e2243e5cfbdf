using System.Diagnostics;
using System.Globalization;
using Gateway.Authorization;
using Gateway.Diagnostics;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>
/// Emits a request's <see cref="DownloadDecision"/> once: a <c>gateway.download</c> span with every field, and a log
/// record with the main ones, both correlated by trace id. Never records a signature, a key, a token, a cookie or a
/// signed URL.
/// </summary>
internal sealed partial class DownloadAudit(GatewayTelemetry telemetry, RuleSetProvider rules, TimeProvider time, IOptions<AuditOptions> options, ILogger<DownloadAudit> logger)
{
    private const int MaxUserAgentLength = 256;

    [ThreadStatic]
    private static List<KeyValuePair<string, object?>>? t_tags;
    private readonly string[] _claimTypes = [.. options.Value.Claims.Where(type => type != "sub")];
    private readonly string[] _claimTags = [.. options.Value.Claims.Where(type => type != "sub").Select(type => AuditTags.ClaimPrefix + type)];

    /// <summary>Opens the record of a request that matched <paramref name="route"/>.</summary>
    public DownloadDecision Open(Routing.DownloadRoute route) => new(route, time.GetUtcNow());

    /// <summary>Writes the record: the span (started when the record was opened), the decision counter and the log record.</summary>
    public void Emit(HttpContext context, DownloadDecision decision)
    {
        var route = decision.Route;
        var reason = decision.Reason;
        var outcome = reason.Outcome();
        var rulesVersion = decision.RulesVersion ?? rules.Current.Version;
        var ruled = reason.IsRuled(decision.RulesVersion is not null);
        var ruleId = ruled ? decision.RuleId : AuditDecisions.None;
        var request = context.Request;
        var caller = Rules.Caller.Of(context);
        var subject = caller.Subject;
        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        var userAgent = UserAgent(request);
        var expiresAt = decision.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture);

        using (var activity = StartSpan(context, decision, caller, outcome, ruleId, rulesVersion, clientAddress, userAgent, expiresAt))
        {
            if (activity is not null && outcome == AuditDecisions.Error)
            {
                activity.SetStatus(ActivityStatusCode.Error, reason.Name());
            }

            // Inside the span, so the log record carries its trace and span id.
            telemetry.Decisions.Add(1, new(AuditTags.RouteId, route.RouteId), new(AuditTags.Decision, outcome), new(AuditTags.Reason, reason.Name()));
            if (logger.IsEnabled(LogLevel.Information))
            {
                // One wording per kind of record, so that no field reads "(null)": what was signed, what a rule
                // refused, or what stopped the request before any rule decided.
                var who = subject ?? AuditDecisions.None;
                var from = clientAddress ?? AuditDecisions.None;
                var agent = userAgent ?? AuditDecisions.None;
                if (decision.ListingPrefix is not null)
                {
                    Log.Listing(
                        logger, outcome, reason.Name(), rulesVersion, route.RouteId, request.Path.Value, route.StoreName,
                        decision.Bucket ?? AuditDecisions.None, decision.ListingPrefix, decision.ListingEntries, who, from, agent);
                }
                else if (decision.ObjectKey is not null)
                {
                    Log.Signed(
                        logger, outcome, reason.Name(), ruleId, rulesVersion, route.RouteId, request.Path.Value, route.StoreName,
                        decision.Bucket, decision.ObjectKey, expiresAt, decision.CredentialKind, decision.Signer, who, from, agent);
                }
                else if (ruled)
                {
                    Log.Ruled(logger, outcome, reason.Name(), ruleId, rulesVersion, route.RouteId, request.Path.Value, route.StoreName, who, from, agent);
                }
                else
                {
                    var (status, title, _) = reason.Refusal();
                    Log.Refused(
                        logger, outcome, reason.Name(), status, title, ruleId, rulesVersion, route.RouteId, request.Path.Value, route.StoreName, who, from, agent);
                }
            }
        }
    }

    /// <summary>
    /// Starts the audit span (back-dated to when the record was opened) with every field at once: tags added one by one
    /// each take the span's lock. Null values are left out. Null when no one listens to the source.
    /// </summary>
    private Activity? StartSpan(
        HttpContext context, DownloadDecision decision, Rules.Caller caller, string outcome, string ruleId, string rulesVersion, string? clientAddress, string? userAgent, string? expiresAt)
    {
        var source = telemetry.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        var route = decision.Route;
        var request = context.Request;
        var tags = t_tags ??= new List<KeyValuePair<string, object?>>(capacity: 24);
        Add(tags, AuditTags.RouteId, route.RouteId);
        Add(tags, AuditTags.HttpRoute, context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText : null);
        Add(tags, AuditTags.Method, request.Method);
        Add(tags, AuditTags.UrlPath, request.Path.Value);
        Add(tags, AuditTags.Store, route.StoreName);
        Add(tags, AuditTags.ClientAddress, clientAddress);
        Add(tags, AuditTags.UserAgent, userAgent);
        Add(tags, AuditTags.Subject, caller.Subject);
        for (var i = 0; i < _claimTypes.Length; i++)
        {
            Add(tags, _claimTags[i], caller.GetValuesIgnoringCase(_claimTypes[i]));
        }

        if (decision.ObjectKey is not null)
        {
            Add(tags, AuditTags.Bucket, decision.Bucket);
            Add(tags, AuditTags.ObjectKey, decision.ObjectKey);
            Add(tags, AuditTags.UrlExpiresAt, expiresAt);
            Add(tags, AuditTags.CredentialKind, decision.CredentialKind);
            Add(tags, AuditTags.Signer, decision.Signer);
        }

        if (decision.ListingPrefix is not null)
        {
            Add(tags, AuditTags.Bucket, decision.Bucket);
            Add(tags, AuditTags.ListingPrefix, decision.ListingPrefix);
            Add(tags, AuditTags.ListingEntries, decision.ListingEntries);
        }

        Add(tags, AuditTags.Decision, outcome);
        Add(tags, AuditTags.Reason, decision.Reason.Name());
        Add(tags, AuditTags.RuleId, ruleId);
        Add(tags, AuditTags.RulesVersion, rulesVersion);
        try
        {
            // The span copies the tags, so the list serves the thread's next record.
            return source.StartActivity(GatewayTelemetry.DownloadActivityName, ActivityKind.Internal, parentContext: default, tags, links: null, startTime: decision.OpenedAt);
        }
        finally
        {
            tags.Clear();
        }
    }

    private static void Add(List<KeyValuePair<string, object?>> tags, string name, object? value)
    {
        if (value is not null)
        {
            tags.Add(new(name, value));
        }
    }

    private static string? UserAgent(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent.ToString();
        return userAgent.Length == 0 ? null : userAgent.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] : userAgent;
    }

    // The three wordings are one kind of record, so they share the audit's event id on purpose.
#pragma warning disable LOGGEN002
    private static partial class Log
    {
        [LoggerMessage(
            EventId = LogEvents.AuditListing,
            Level = LogLevel.Information,
            Message = "Folder {Decision} ({Reason}) with rules {RulesVersion} on route {RouteId} for {UrlPath}: store {Store}, bucket {Bucket}, prefix {ListingPrefix}, {ListingEntries} entries shown; subject {Subject} from {ClientAddress} ({UserAgent}).")]
        public static partial void Listing(
            ILogger logger,
            string decision,
            string reason,
            string rulesVersion,
            string routeId,
            string? urlPath,
            string store,
            string bucket,
            string listingPrefix,
            int listingEntries,
            string subject,
            string clientAddress,
            string userAgent);

        [LoggerMessage(
            EventId = LogEvents.AuditDecision,
            Level = LogLevel.Information,
            Message = "Download {Decision} ({Reason}) by rule {RuleId}@{RulesVersion} on route {RouteId} for {UrlPath}: store {Store}, bucket {Bucket}, key {ObjectKey}, URL expires {UrlExpiresAt} ({CredentialKind} keys, signed by {Signer}); subject {Subject} from {ClientAddress} ({UserAgent}).")]
        public static partial void Signed(
            ILogger logger,
            string decision,
            string reason,
            string ruleId,
            string rulesVersion,
            string routeId,
            string? urlPath,
            string store,
            string? bucket,
            string objectKey,
            string? urlExpiresAt,
            string? credentialKind,
            string? signer,
            string subject,
            string clientAddress,
            string userAgent);

        [LoggerMessage(
            EventId = LogEvents.AuditDecision,
            Level = LogLevel.Information,
            Message = "Download {Decision} ({Reason}) by rule {RuleId}@{RulesVersion} on route {RouteId} for {UrlPath}: store {Store}, nothing signed; subject {Subject} from {ClientAddress} ({UserAgent}).")]
        public static partial void Ruled(
            ILogger logger,
            string decision,
            string reason,
            string ruleId,
            string rulesVersion,
            string routeId,
            string? urlPath,
            string store,
            string subject,
            string clientAddress,
            string userAgent);

        [LoggerMessage(
            EventId = LogEvents.AuditDecision,
            Level = LogLevel.Information,
            Message = "Download {Decision} ({Reason}): {Status} {Title}, before any rule decided (rule {RuleId}, rules {RulesVersion}) on route {RouteId} for {UrlPath}: store {Store}, nothing signed; subject {Subject} from {ClientAddress} ({UserAgent}).")]
        public static partial void Refused(
            ILogger logger,
            string decision,
            string reason,
            int status,
            string title,
            string ruleId,
            string rulesVersion,
            string routeId,
            string? urlPath,
            string store,
            string subject,
            string clientAddress,
            string userAgent);
    }
#pragma warning restore LOGGEN002
}

/// <summary>
/// Opens the <see cref="DownloadDecision"/> of every request whose endpoint is a download route, and emits it once
/// when the rest of the pipeline is done, whichever step answered and whether or not it threw.
/// </summary>
internal sealed class DownloadAuditMiddleware(RequestDelegate next, DownloadAudit audit)
{
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Routing.DownloadRoute>() is { } route ? InvokeCore(context, route) : next(context);

    private async Task InvokeCore(HttpContext context, Routing.DownloadRoute route)
    {
        var decision = audit.Open(route);
        context.Features.Set(decision);
        try
        {
            await next(context);
        }
        finally
        {
            audit.Emit(context, decision);
        }
    }
}
