using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
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
        var request = context.Request;
        var subject = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst("sub")?.Value : null;
        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        var userAgent = UserAgent(request);
        var expiresAt = decision.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture);

        using (var activity = telemetry.ActivitySource.StartActivity(GatewayTelemetry.DownloadActivityName, ActivityKind.Internal, parentContext: default, startTime: decision.OpenedAt))
        {
            if (activity is { IsAllDataRequested: true })
            {
                // AddTag appends: the span is new and each name is added once, so SetTag's search is not needed.
                // SetTag skipped null values, so AddOptional does too.
                activity.AddTag(AuditTags.RouteId, route.RouteId);
                AddOptional(activity, AuditTags.HttpRoute, context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText : null);
                activity.AddTag(AuditTags.Method, request.Method);
                AddOptional(activity, AuditTags.UrlPath, request.Path.Value);
                activity.AddTag(AuditTags.Store, route.StoreName);
                AddOptional(activity, AuditTags.ClientAddress, clientAddress);
                AddOptional(activity, AuditTags.UserAgent, userAgent);
                AddOptional(activity, AuditTags.Subject, subject);
                if (context.User.Identity?.IsAuthenticated == true)
                {
                    for (var i = 0; i < _claimTypes.Length; i++)
                    {
                        if (ClaimValues(context.User, _claimTypes[i]) is { } values)
                        {
                            activity.AddTag(_claimTags[i], values);
                        }
                    }
                }

                if (decision.ObjectKey is not null)
                {
                    AddOptional(activity, AuditTags.Bucket, decision.Bucket);
                    activity.AddTag(AuditTags.ObjectKey, decision.ObjectKey);
                    AddOptional(activity, AuditTags.UrlExpiresAt, expiresAt);
                    AddOptional(activity, AuditTags.CredentialKind, decision.CredentialKind);
                }

                if (decision.ListingPrefix is not null)
                {
                    AddOptional(activity, AuditTags.Bucket, decision.Bucket);
                    activity.AddTag(AuditTags.ListingPrefix, decision.ListingPrefix);
                    activity.AddTag(AuditTags.ListingEntries, decision.ListingEntries);
                }

                activity.AddTag(AuditTags.Decision, outcome);
                activity.AddTag(AuditTags.Reason, reason.Name());
                activity.AddTag(AuditTags.RuleId, decision.RuleId);
                activity.AddTag(AuditTags.RulesVersion, rulesVersion);
                if (outcome == AuditDecisions.Error)
                {
                    activity.SetStatus(ActivityStatusCode.Error, reason.Name());
                }
            }

            // Inside the span, so the log record carries its trace and span id.
            telemetry.Decisions.Add(1, new(AuditTags.RouteId, route.RouteId), new(AuditTags.Decision, outcome));
            if (logger.IsEnabled(LogLevel.Information) && decision.ListingPrefix is not null)
            {
                Log.Listing(
                    logger, outcome, reason.Name(), rulesVersion, route.RouteId, route.StoreName, subject,
                    decision.Bucket, decision.ListingPrefix, decision.ListingEntries, clientAddress, userAgent, request.Path.Value);
            }
            else if (logger.IsEnabled(LogLevel.Information))
            {
                Log.Decision(
                    logger, outcome, reason.Name(), decision.RuleId, rulesVersion, route.RouteId, route.StoreName, subject,
                    decision.Bucket, decision.ObjectKey, expiresAt, decision.CredentialKind, clientAddress, userAgent, request.Path.Value);
            }
        }
    }

    private static void AddOptional(Activity activity, string name, string? value)
    {
        if (value is not null)
        {
            activity.AddTag(name, value);
        }
    }

    /// <summary>The values of one claim type: null when none, the value when one, an array when several (no LINQ, no predicate).</summary>
    private static object? ClaimValues(ClaimsPrincipal user, string type)
    {
        string? first = null;
        List<string>? more = null;
        foreach (var identity in user.Identities)
        {
            foreach (var claim in identity.Claims)
            {
                if (string.Equals(claim.Type, type, StringComparison.OrdinalIgnoreCase))
                {
                    if (first is null)
                    {
                        first = claim.Value;
                    }
                    else
                    {
                        (more ??= [first]).Add(claim.Value);
                    }
                }
            }
        }

        return more is not null ? more.ToArray() : first;
    }

    private static string? UserAgent(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent.ToString();
        return userAgent.Length == 0 ? null : userAgent.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] : userAgent;
    }

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
            string store,
            string? subject,
            string? bucket,
            string listingPrefix,
            int listingEntries,
            string? clientAddress,
            string? userAgent,
            string? urlPath);

        [LoggerMessage(
            EventId = LogEvents.AuditDecision,
            Level = LogLevel.Information,
            Message = "Download {Decision} ({Reason}) by rule {RuleId}@{RulesVersion} on route {RouteId} for {UrlPath}: store {Store}, bucket {Bucket}, key {ObjectKey}, URL expires {UrlExpiresAt} ({CredentialKind} keys); subject {Subject} from {ClientAddress} ({UserAgent}).")]
        public static partial void Decision(
            ILogger logger,
            string decision,
            string reason,
            string ruleId,
            string rulesVersion,
            string routeId,
            string store,
            string? subject,
            string? bucket,
            string? objectKey,
            string? urlExpiresAt,
            string? credentialKind,
            string? clientAddress,
            string? userAgent,
            string? urlPath);
    }
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
