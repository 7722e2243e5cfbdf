using System.Diagnostics;
using System.Security.Claims;
using Gateway.Audit;
using Gateway.Authorization;
using Gateway.Diagnostics;
using Gateway.Routing;
using Gateway.Rules;
using Gateway.Signing;
using Gateway.Signing.Credentials;
using Gateway.Stores;

namespace Gateway.Redirect;

/// <summary>
/// Decides one download and, when it is allowed, signs it: the object key from the route values, the download
/// options, the rules, the store's credentials and the presigner, with one audit record whatever the outcome.
/// The redirect step and the batch endpoint share it.
/// </summary>
internal sealed partial class DownloadSigner(
    StoreRegistry stores,
    RuleSetProvider rules,
    DownloadAudit audit,
    GatewayTelemetry telemetry,
    ObjectExistence existence,
    TimeProvider time,
    ILogger<DownloadSigner> logger)
{
    /// <summary>Seconds a caller should wait before retrying when the store cannot sign.</summary>
    public const string RetryAfterSeconds = "5";

    public ValueTask<DownloadOutcome> SignAsync(HttpContext context, in DownloadRequest request)
    {
        var route = request.Route;
        var activity = audit.Start(context, route, request.Method, request.Path);
        var key = route.KeyTemplate.TryBuild(request.RouteValues, out var keyError);
        if (key is null)
        {
            return new(Reject(activity, route, AuditDecisions.Deny, "invalid-key", StatusCodes.Status400BadRequest, "Invalid object key", keyError));
        }

        var overrides = ResponseOverrides.TryCreate(request.Query, route, out var optionsError);
        if (overrides is null)
        {
            return new(Reject(activity, route, AuditDecisions.Deny, "invalid-options", StatusCodes.Status400BadRequest, "Invalid download options", optionsError));
        }

        var decision = rules.Current.Evaluate(new AccessRequest(
            request.Method, key, request.Path, route.RouteId, request.RouteValues, Caller.FromPrincipal(request.User)));
        if (!decision.Allowed)
        {
            var reason = decision.Error is not null ? "evaluation-error" : decision.RuleId == AccessDecisions.DefaultDeny ? "default-deny" : "rule-deny";
            audit.Decide(activity, route, AuditDecisions.Deny, reason, decision.RuleId, decision.Version);
            activity?.Dispose();

            // An anonymous caller may still be let in after signing in, so it is challenged rather than refused.
            return new(request.User.Identity?.IsAuthenticated == true
                ? DownloadOutcome.Failed(StatusCodes.Status403Forbidden, "Forbidden", "The caller may not download this object.")
                : DownloadOutcome.Unauthenticated);
        }

        var target = new SignTarget(stores.Get(route.StoreName), key, overrides, decision, request.Method);
        var pending = target.Store.Credentials.GetCredentialsAsync(context.RequestAborted);
        if (!pending.IsCompletedSuccessfully)
        {
            return SignAfterCredentialsAsync(context, activity, route, target, pending);
        }

        var outcome = Sign(activity, route, target, pending.Result);
        return route.CheckExists && outcome.Link is not null
            ? ConfirmExistsAsync(context, activity, route, target, pending.Result, outcome)
            : new(Finish(activity, route, target, outcome));
    }

    private async ValueTask<DownloadOutcome> SignAfterCredentialsAsync(
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
            return Reject(activity, route, AuditDecisions.Error, "credentials-unavailable", StatusCodes.Status503ServiceUnavailable, "Storage credentials unavailable", "The gateway cannot sign downloads right now.");
        }

        var outcome = Sign(activity, route, target, credentials);
        return route.CheckExists && outcome.Link is not null
            ? await ConfirmExistsAsync(context, activity, route, target, credentials, outcome)
            : Finish(activity, route, target, outcome);
    }

    /// <summary>Asks the store (or the cache) whether the object exists, so a missing one is a 404 here rather than a storage error page.</summary>
    private async ValueTask<DownloadOutcome> ConfirmExistsAsync(
        HttpContext context, Activity? activity, DownloadRoute route, SignTarget target, StorageCredentials credentials, DownloadOutcome signed)
    {
        switch (await existence.CheckAsync(target.Store, target.Key, credentials, context.RequestAborted))
        {
            case ObjectState.Missing:
                return Reject(activity, route, AuditDecisions.Deny, "object-missing", StatusCodes.Status404NotFound, "Not found", "The file does not exist.");
            case ObjectState.Unknown when !existence.FailOpen:
                return Reject(activity, route, AuditDecisions.Error, "store-unreachable", StatusCodes.Status502BadGateway, "Storage unavailable", "The storage service could not be reached.");
            default:
                return Finish(activity, route, target, signed);
        }
    }

    /// <summary>Records the allow decision of a signed link, or passes a refusal through (already audited).</summary>
    private DownloadOutcome Finish(Activity? activity, DownloadRoute route, SignTarget target, DownloadOutcome outcome)
    {
        if (outcome.Link is not null)
        {
            audit.Decide(activity, route, AuditDecisions.Allow, "rule-allow", target.Decision.RuleId, target.Decision.Version);
            activity?.Dispose();
        }

        return outcome;
    }

    private DownloadOutcome Sign(Activity? activity, DownloadRoute route, SignTarget target, StorageCredentials credentials)
    {
        var (store, key, overrides, _, requestMethod) = target;
        var now = time.GetUtcNow();
        var lifetime = UrlLifetime.Clamp(route.UrlLifetime, now, credentials.Expiration);
        if (lifetime < UrlLifetime.Minimum)
        {
            Log.CredentialsExpired(logger, store.Name);
            return Reject(activity, route, AuditDecisions.Error, "credentials-expired", StatusCodes.Status503ServiceUnavailable, "Storage credentials expired", "The gateway cannot sign downloads right now.");
        }

        var method = HttpMethods.IsHead(requestMethod) ? HttpMethods.Head : HttpMethods.Get;
        var started = Stopwatch.GetTimestamp();
        string url;
        try
        {
            url = store.Presigner.Presign(new PresignRequest(method, key, now, lifetime, overrides), credentials);
        }
        catch (ArgumentException)
        {
            Log.SigningRejected(logger, route.RouteId);
            return Reject(activity, route, AuditDecisions.Deny, "unsignable-key", StatusCodes.Status400BadRequest, "Invalid object key", "The object key cannot be signed.");
        }

        telemetry.SigningDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(AuditTags.Store, store.Name));
        DownloadAudit.Signed(activity, store.Address.Bucket, key, now + lifetime, store.Credentials.Kind);
        return DownloadOutcome.Signed(new DownloadLink(url, method, now + lifetime));
    }

    private DownloadOutcome Reject(Activity? activity, DownloadRoute route, string decision, string reason, int status, string title, string? detail)
    {
        audit.Decide(activity, route, decision, reason);
        activity?.Dispose();
        return DownloadOutcome.Failed(status, title, detail);
    }

    /// <summary>What to sign once the credentials are at hand.</summary>
    private readonly record struct SignTarget(Store Store, string Key, KeyValuePair<string, string>[] Overrides, AccessDecision Decision, string Method);

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

/// <summary>One download to decide: the route, the request's method, path, route values and query, and the caller.</summary>
/// <param name="Route">The download route.</param>
/// <param name="Method">The canonical HTTP method.</param>
/// <param name="Path">The decoded request path.</param>
/// <param name="RouteValues">The route values.</param>
/// <param name="Query">The download options.</param>
/// <param name="User">The caller.</param>
internal readonly record struct DownloadRequest(
    DownloadRoute Route, string Method, string Path, RouteValueDictionary RouteValues, IQueryCollection Query, ClaimsPrincipal User);

/// <summary>A signed link, or why there is none: a status with a title and detail, or a caller to challenge.</summary>
/// <param name="Link">The signed link when allowed.</param>
/// <param name="Status">The HTTP status when refused.</param>
/// <param name="Title">A short title for the refusal.</param>
/// <param name="Detail">What was wrong; never a secret.</param>
internal readonly record struct DownloadOutcome(DownloadLink? Link, int Status, string? Title, string? Detail)
{
    /// <summary>An anonymous caller the rules did not let in, who should be asked to sign in.</summary>
    public static DownloadOutcome Unauthenticated { get; } = new(null, StatusCodes.Status401Unauthorized, "Authentication required", "This download needs a signed-in caller.");

    public static DownloadOutcome Signed(DownloadLink link) => new(link, StatusCodes.Status200OK, null, null);

    public static DownloadOutcome Failed(int status, string title, string? detail) => new(null, status, title, detail);
}
