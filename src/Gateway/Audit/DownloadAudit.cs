using System.Diagnostics;
using System.Globalization;
using Gateway.Authorization;
using Gateway.Diagnostics;
using Gateway.Routing;
using Gateway.Rules;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>
/// Writes one audit record per decision: a <c>gateway.download</c> span with every field, and a log record with the main ones,
/// both correlated by trace id. Never records a signature, a key, a token, a cookie or a signed URL.
/// </summary>
internal sealed partial class DownloadAudit(GatewayTelemetry telemetry, RuleSetProvider rules, IOptions<AuditOptions> options, ILogger<DownloadAudit> logger)
{
    private const int MaxUserAgentLength = 256;
    private readonly string[] _claimTypes = [.. options.Value.Claims.Where(type => type != "sub")];
    private readonly string[] _claimTags = [.. options.Value.Claims.Where(type => type != "sub").Select(type => AuditTags.ClaimPrefix + type)];

    /// <summary>Starts the audit span of one download request, tagged with what is known before any decision.</summary>
    public Activity? Start(HttpContext context, DownloadRoute route) =>
        Start(context, route, context.Request.Method, context.Request.Path.Value);

    /// <summary>Starts the audit span of one download, which may be one item of a batch request.</summary>
    public Activity? Start(HttpContext context, DownloadRoute route, string method, string? path)
    {
        var activity = telemetry.ActivitySource.StartActivity(GatewayTelemetry.DownloadActivityName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            var request = context.Request;
            activity.SetTag(AuditTags.RouteId, route.RouteId);
            activity.SetTag(AuditTags.HttpRoute, context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText : null);
            activity.SetTag(AuditTags.Method, method);
            activity.SetTag(AuditTags.UrlPath, path);
            activity.SetTag(AuditTags.Store, route.StoreName);
            activity.SetTag(AuditTags.ClientAddress, context.Connection.RemoteIpAddress?.ToString());
            activity.SetTag(AuditTags.UserAgent, UserAgent(request));
            if (context.User.Identity?.IsAuthenticated == true)
            {
                activity.SetTag(AuditTags.Subject, context.User.FindFirst("sub")?.Value);
                for (var i = 0; i < _claimTypes.Length; i++)
                {
                    var values = context.User.FindAll(_claimTypes[i]).Select(claim => claim.Value).ToArray();
                    if (values.Length > 0)
                    {
                        activity.SetTag(_claimTags[i], values.Length == 1 ? values[0] : values);
                    }
                }
            }
        }

        return activity;
    }

    /// <summary>Records the signed URL's target: bucket, key, expiry and credential kind; never the URL itself.</summary>
    public static void Signed(Activity? activity, string bucket, string key, DateTimeOffset expiresAt, string credentialKind)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(AuditTags.Bucket, bucket);
            activity.SetTag(AuditTags.ObjectKey, key);
            activity.SetTag(AuditTags.UrlExpiresAt, expiresAt.ToString("O", CultureInfo.InvariantCulture));
            activity.SetTag(AuditTags.CredentialKind, credentialKind);
        }
    }

    /// <summary>Closes a decision: tags the span with the outcome and the deciding rule, counts it, and writes the audit log record.</summary>
    public void Decide(Activity? activity, DownloadRoute route, string decision, string reason, string ruleId, string rulesVersion)
    {
        if (activity is not null)
        {
            activity.SetTag(AuditTags.Decision, decision);
            activity.SetTag(AuditTags.Reason, reason);
            activity.SetTag(AuditTags.RuleId, ruleId);
            activity.SetTag(AuditTags.RulesVersion, rulesVersion);
            if (decision == AuditDecisions.Error)
            {
                activity.SetStatus(ActivityStatusCode.Error, reason);
            }
        }

        telemetry.Decisions.Add(1, new(AuditTags.RouteId, route.RouteId), new(AuditTags.Decision, decision));
        if (logger.IsEnabled(LogLevel.Information))
        {
            Log.Decision(
                logger,
                decision,
                reason,
                ruleId,
                rulesVersion,
                route.RouteId,
                route.StoreName,
                activity?.GetTagItem(AuditTags.Subject) as string,
                activity?.GetTagItem(AuditTags.Bucket) as string,
                activity?.GetTagItem(AuditTags.ObjectKey) as string,
                activity?.GetTagItem(AuditTags.UrlExpiresAt) as string,
                activity?.GetTagItem(AuditTags.CredentialKind) as string,
                activity?.GetTagItem(AuditTags.ClientAddress) as string,
                activity?.GetTagItem(AuditTags.UserAgent) as string,
                activity?.GetTagItem(AuditTags.UrlPath) as string);
        }
    }

    /// <summary>Closes a decision taken without the rules (bad input, credentials), which no rule decided.</summary>
    public void Decide(Activity? activity, DownloadRoute route, string decision, string reason) =>
        Decide(activity, route, decision, reason, AccessDecisions.DefaultDeny, rules.Current.Version);

    /// <summary>Records a denial taken before the download step ran (method, authentication or route policy).</summary>
    public void Denied(HttpContext context, DownloadRoute route, string reason)
    {
        using var activity = Start(context, route);
        Decide(activity, route, AuditDecisions.Deny, reason);
    }

    private static string? UserAgent(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent.ToString();
        return userAgent.Length == 0 ? null : userAgent.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] : userAgent;
    }

    private static partial class Log
    {
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
