using System.Diagnostics;
using Gateway.Audit;
using Gateway.Diagnostics;
using Gateway.Signing;
using Gateway.Signing.Credentials;
using Gateway.Stores;

namespace Gateway.Redirect;

/// <summary>
/// The I/O half of a download: the store's credentials, the URL's lifetime, the presigned URL and, when the route asks,
/// the existence check. It records what it signed, or why it could not, on the request's <see cref="DownloadDecision"/>.
/// </summary>
internal sealed partial class LinkIssuer(StoreRegistry stores, ObjectExistence existence, GatewayTelemetry telemetry, TimeProvider time, ILogger<LinkIssuer> logger)
{
    /// <summary>Seconds a caller should wait before retrying when the store cannot sign.</summary>
    public const string RetryAfterSeconds = "5";

    /// <summary>Signs <paramref name="key"/> for <paramref name="method"/>; null when it could not, with the reason on <paramref name="decision"/>.</summary>
    public ValueTask<DownloadLink?> IssueAsync(DownloadDecision decision, string method, string key, KeyValuePair<string, string>[] overrides, CancellationToken cancellationToken)
    {
        var store = stores.Get(decision.Route.StoreName);
        var pending = store.Credentials.GetCredentialsAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully && !decision.Route.CheckExists)
        {
            return new(Sign(decision, store, method, key, overrides, pending.Result));
        }

        return IssueCoreAsync(decision, store, method, key, overrides, pending, cancellationToken);
    }

    private async ValueTask<DownloadLink?> IssueCoreAsync(
        DownloadDecision decision, Store store, string method, string key, KeyValuePair<string, string>[] overrides, ValueTask<StorageCredentials> pending, CancellationToken cancellationToken)
    {
        StorageCredentials credentials;
        try
        {
            credentials = await pending;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CredentialsUnavailable(logger, store.Name, ex.GetType().Name);
            decision.Decide(DecisionReason.CredentialsUnavailable);
            return null;
        }

        var link = Sign(decision, store, method, key, overrides, credentials);
        if (link is null || !decision.Route.CheckExists)
        {
            return link;
        }

        // A missing object is a 404 here rather than the store's own error page.
        switch (await existence.CheckAsync(store, key, credentials, cancellationToken))
        {
            case ObjectState.Missing:
                decision.Decide(DecisionReason.ObjectMissing);
                return null;
            case ObjectState.Unknown when !existence.FailOpen:
                decision.Decide(DecisionReason.StoreUnreachable);
                return null;
            default:
                return link;
        }
    }

    private DownloadLink? Sign(DownloadDecision decision, Store store, string requestMethod, string key, KeyValuePair<string, string>[] overrides, StorageCredentials credentials)
    {
        var now = time.GetUtcNow();
        var lifetime = UrlLifetime.Clamp(decision.Route.UrlLifetime, now, credentials.Expiration);
        if (lifetime < UrlLifetime.Minimum)
        {
            Log.CredentialsExpired(logger, store.Name);
            decision.Decide(DecisionReason.CredentialsExpired);
            return null;
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
            Log.SigningRejected(logger, decision.Route.RouteId);
            decision.Decide(DecisionReason.UnsignableKey);
            return null;
        }

        telemetry.SigningDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(AuditTags.Store, store.Name));
        var expiresAt = now + lifetime;
        decision.Signed(store.Address.Bucket, key, expiresAt, store.Credentials.Kind);
        return new DownloadLink(url, method, expiresAt);
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
