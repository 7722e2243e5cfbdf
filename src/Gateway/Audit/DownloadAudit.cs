using System.Diagnostics;
using System.Globalization;
using Gateway.Authorization;
using Gateway.Routing;
using Gateway.Rules;

namespace Gateway.Audit;

/// <summary>Writes audit spans. Never records a signature, a key, a token or a signed URL.</summary>
internal sealed class DownloadAudit(GatewayTelemetry telemetry, RuleSetProvider rules)
{
    /// <summary>Starts the audit span of one download request, tagged with what is known before any decision.</summary>
    public Activity? Start(HttpContext context, DownloadRoute route)
    {
        var activity = telemetry.ActivitySource.StartActivity(GatewayTelemetry.DownloadActivityName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(AuditTags.RouteId, route.RouteId);
            activity.SetTag(AuditTags.HttpRoute, context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText : null);
            activity.SetTag(AuditTags.Method, context.Request.Method);
            activity.SetTag(AuditTags.UrlPath, context.Request.Path.Value);
            activity.SetTag(AuditTags.Store, route.StoreName);
            activity.SetTag(AuditTags.Subject, Subject(context));
        }

        return activity;
    }

    /// <summary>Closes a decision: tags the span with the outcome and the deciding rule, sets its status, and counts it.</summary>
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

    /// <summary>Closes a decision taken without the rules (bad input, credentials), which no rule decided.</summary>
    public void Decide(Activity? activity, DownloadRoute route, string decision, string reason) =>
        Decide(activity, route, decision, reason, AccessDecisions.DefaultDeny, rules.Current.Version);

    /// <summary>Records a denial taken before the download step ran (method, authentication or route policy).</summary>
    public void Denied(HttpContext context, DownloadRoute route, string reason)
    {
        using var activity = Start(context, route);
        Decide(activity, route, AuditDecisions.Deny, reason);
    }

    private static string? Subject(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst("sub")?.Value : null;
}
