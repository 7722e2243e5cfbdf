using System.Diagnostics;
using Gateway.Audit;
using Gateway.Authorization;
using Gateway.Diagnostics;
using Gateway.Routing;
using Gateway.Rules;
using Microsoft.AspNetCore.Authentication;
using Gateway.Signing;
using Gateway.Signing.Credentials;
using Gateway.Stores;

namespace Gateway.Redirect;

/// <summary>
/// The step inside YARP's pipeline that answers a download route with <c>302</c> to a freshly signed URL
/// for exactly the mapped key. Ordinary proxy routes pass through to YARP untouched.
/// </summary>
internal sealed partial class DownloadRedirectMiddleware(
    RequestDelegate next,
    DownloadRouteTable routes,
    StoreRegistry stores,
    RuleSetProvider rules,
    DownloadAudit audit,
    GatewayTelemetry telemetry,
    TimeProvider time,
    ILogger<DownloadRedirectMiddleware> logger)
{
    private const string RetryAfterSeconds = "5";
    private const string ReferrerPolicyHeader = "Referrer-Policy";

    public Task InvokeAsync(HttpContext context)
    {
        var route = routes.Find(context.GetReverseProxyFeature().Route.Config);
        return route is null ? next(context) : InvokeCore(context, route);
    }

    private Task InvokeCore(HttpContext context, DownloadRoute route)
    {
        var activity = audit.Start(context, route);
        var routeValues = context.Request.RouteValues;
        var key = route.KeyTemplate.TryBuild(routeValues, out var keyError);
        if (key is null)
        {
            return Reject(context, activity, route, AuditDecisions.Deny, "invalid-key", StatusCodes.Status400BadRequest, "Invalid object key", keyError);
        }

        var request = context.Request;
        var overrides = ResponseOverrides.TryCreate(request.Query, route, out var optionsError);
        if (overrides is null)
        {
            return Reject(context, activity, route, AuditDecisions.Deny, "invalid-options", StatusCodes.Status400BadRequest, "Invalid download options", optionsError);
        }

        var decision = rules.Current.Evaluate(new AccessRequest(
            HttpMethods.GetCanonicalizedValue(request.Method), key, request.Path.Value!, route.RouteId, routeValues, Caller.FromPrincipal(context.User)));
        if (!decision.Allowed)
        {
            return Deny(context, activity, route, decision);
        }

        var target = new SignTarget(stores.Get(route.StoreName), key, overrides, decision);
        var pending = target.Store.Credentials.GetCredentialsAsync(context.RequestAborted);
        return pending.IsCompletedSuccessfully
            ? Redirect(context, activity, route, target, pending.Result)
            : RedirectAfterCredentials(context, activity, route, target, pending);
    }

    private async Task RedirectAfterCredentials(
        HttpContext context, Activity? activity, DownloadRoute route, SignTarget target, ValueTask<StorageCredentials> pending)
    {
        StorageCredentials credentials;
        try
        {
            credentials = await pending;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            Log.CredentialsUnavailable(logger, target.Store.Name, ex.GetType().Name);
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            await Reject(context, activity, route, AuditDecisions.Error, "credentials-unavailable", StatusCodes.Status503ServiceUnavailable, "Storage credentials unavailable", "The gateway cannot sign downloads right now.");
            return;
        }

        await Redirect(context, activity, route, target, credentials);
    }

    private Task Redirect(HttpContext context, Activity? activity, DownloadRoute route, SignTarget target, StorageCredentials credentials)
    {
        var (store, key, overrides, decision) = target;
        var now = time.GetUtcNow();
        var lifetime = UrlLifetime.Clamp(route.UrlLifetime, now, credentials.Expiration);
        if (lifetime < UrlLifetime.Minimum)
        {
            Log.CredentialsExpired(logger, store.Name);
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            return Reject(context, activity, route, AuditDecisions.Error, "credentials-expired", StatusCodes.Status503ServiceUnavailable, "Storage credentials expired", "The gateway cannot sign downloads right now.");
        }

        var method = HttpMethods.IsHead(context.Request.Method) ? HttpMethods.Head : HttpMethods.Get;
        var started = Stopwatch.GetTimestamp();
        string url;
        try
        {
            url = store.Presigner.Presign(new PresignRequest(method, key, now, lifetime, overrides), credentials);
        }
        catch (ArgumentException)
        {
            Log.SigningRejected(logger, route.RouteId);
            return Reject(context, activity, route, AuditDecisions.Deny, "unsignable-key", StatusCodes.Status400BadRequest, "Invalid object key", "The object key cannot be signed.");
        }

        telemetry.SigningDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(AuditTags.Store, store.Name));
        DownloadAudit.Signed(activity, store.Address.Bucket, key, now + lifetime, store.Credentials.Kind);
        audit.Decide(activity, route, AuditDecisions.Allow, "rule-allow", decision.RuleId, decision.Version);
        activity?.Dispose();

        var response = context.Response;
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers[ReferrerPolicyHeader] = "no-referrer";
        if (DownloadLink.IsRequested(context.Request))
        {
            return DownloadLink.WriteAsync(response, new DownloadLink(url, method, now + lifetime));
        }

        response.StatusCode = StatusCodes.Status302Found;
        headers.Location = url;
        return Task.CompletedTask;
    }

    /// <summary>What to sign once the credentials are at hand.</summary>
    private readonly record struct SignTarget(Store Store, string Key, KeyValuePair<string, string>[] Overrides, AccessDecision Decision);

    private Task Deny(HttpContext context, Activity? activity, DownloadRoute route, AccessDecision decision)
    {
        var reason = decision.Error is not null ? "evaluation-error" : decision.RuleId == AccessDecisions.DefaultDeny ? "default-deny" : "rule-deny";
        audit.Decide(activity, route, AuditDecisions.Deny, reason, decision.RuleId, decision.Version);
        activity?.Dispose();

        // An anonymous caller may still be let in after signing in, so it is challenged rather than refused.
        return context.User.Identity?.IsAuthenticated == true
            ? Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "The caller may not download this object.")
            : context.ChallengeAsync();
    }

    private Task Reject(HttpContext context, Activity? activity, DownloadRoute route, string decision, string reason, int status, string title, string? detail)
    {
        audit.Decide(activity, route, decision, reason);
        activity?.Dispose();
        return Problems.WriteAsync(context, status, title, detail);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.CredentialsUnavailable, Level = LogLevel.Error, Message = "Credentials for store {Store} are unavailable ({ErrorType}).")]
        public static partial void CredentialsUnavailable(ILogger logger, string store, string errorType);

        [LoggerMessage(EventId = LogEvents.CredentialsExpired, Level = LogLevel.Error, Message = "Credentials for store {Store} have expired.")]
        public static partial void CredentialsExpired(ILogger logger, string store);

        [LoggerMessage(EventId = LogEvents.SigningRejected, Level = LogLevel.Warning, Message = "Route {RouteId} produced a key the signer refused.")]
        public static partial void SigningRejected(ILogger logger, string routeId);
    }
}
