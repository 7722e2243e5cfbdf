using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Audit;
using Gateway.Cdn;
using Gateway.Diagnostics;
using Gateway.Signing;
using Gateway.Signing.Cdn;
using Gateway.Signing.Credentials;
using Gateway.Stores;

namespace Gateway.Redirect;

/// <summary>
/// The I/O half of a download: the store's credentials, the URL's lifetime, the presigned URL (or the route's CDN link)
/// and, when the route asks, the existence check. It records what it signed, or why it could not, on the request's
/// <see cref="DownloadDecision"/>.
/// </summary>
internal sealed partial class LinkIssuer(StoreRegistry stores, CdnRegistry cdns, ObjectExistence existence, GatewayTelemetry telemetry, TimeProvider time, ILogger<LinkIssuer> logger)
{
    /// <summary>The credential kind recorded for CDN links: the CDN's configured key.</summary>
    public const string CdnKeyKind = "static";

    /// <summary>Seconds a caller should wait before retrying when the store cannot sign.</summary>
    public const string RetryAfterSeconds = "5";

    /// <summary>
    /// Signs <paramref name="key"/> for <paramref name="method"/>; null when it could not, with the reason on
    /// <paramref name="decision"/>. <paramref name="client"/> is the caller's address, for a CDN link bound to it.
    /// </summary>
    public ValueTask<DownloadLink?> IssueAsync(
        DownloadDecision decision, string method, string key, KeyValuePair<string, string>[] overrides, IPAddress? client, CancellationToken cancellationToken)
    {
        var store = stores.Get(decision.Route.StoreName);
        // A CDN link needs no store keys, unless they check that the object exists.
        if (decision.Route.Signing?.Cdn is { } cdn && !decision.Route.CheckExists)
        {
            return new(SignForCdn(decision, store, cdn, method, key, overrides, client));
        }

        var pending = store.Credentials.GetCredentialsAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully && !decision.Route.CheckExists)
        {
            return new(Sign(decision, store, method, key, overrides, client, pending.Result));
        }

        return IssueCoreAsync(decision, store, method, key, overrides, client, pending, cancellationToken);
    }

    private async ValueTask<DownloadLink?> IssueCoreAsync(
        DownloadDecision decision, Store store, string method, string key, KeyValuePair<string, string>[] overrides, IPAddress? client, ValueTask<StorageCredentials> pending, CancellationToken cancellationToken)
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

        var link = Sign(decision, store, method, key, overrides, client, credentials);
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

    private DownloadLink? Sign(
        DownloadDecision decision, Store store, string requestMethod, string key, KeyValuePair<string, string>[] overrides, IPAddress? client, StorageCredentials credentials)
    {
        if (decision.Route.Signing is { } signing)
        {
            if (signing.Cdn is { } cdn)
            {
                return SignForCdn(decision, store, cdn, requestMethod, key, overrides, client);
            }

            if (signing.TrafficLimit is { } trafficLimit)
            {
                overrides = [.. overrides, trafficLimit];
            }
        }

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
        decision.Signed(store.Address.Bucket, key, expiresAt, store.Credentials.Kind, store.Provider == StoreProvider.Cos ? "cos" : "s3");
        return new DownloadLink(url, method, expiresAt);
    }

    private DownloadLink? SignForCdn(
        DownloadDecision decision, Store store, string cdnName, string requestMethod, string key, KeyValuePair<string, string>[] overrides, IPAddress? client)
    {
        var cdn = cdns.Get(cdnName);
        var signer = cdn.Signer;
        // Tencent's authentication leaves the query unsigned: a download option there could be changed by the caller.
        if (overrides.Length > 0 && !signer.SignsQuery)
        {
            decision.Decide(DecisionReason.InvalidOptions, "This route's CDN links cannot carry download options.");
            return null;
        }

        string? range = null;
        if (decision.Route.Signing!.CdnClientAddress && (range = Ipv4Range(client, cdn.ClientAddressPrefix)) is null)
        {
            decision.Decide(DecisionReason.ClientAddressUnsupported);
            return null;
        }

        var now = time.GetUtcNow();
        var lifetime = UrlLifetime.Clamp(decision.Route.UrlLifetime, now, credentialsExpiration: null);
        if (lifetime > signer.MaxExpiry)
        {
            lifetime = signer.MaxExpiry;
        }

        var method = HttpMethods.IsHead(requestMethod) ? HttpMethods.Head : HttpMethods.Get;
        var started = Stopwatch.GetTimestamp();
        CdnLink link;
        try
        {
            link = signer.Sign(new CdnSignRequest(key, now, lifetime, overrides, range));
        }
        catch (ArgumentException)
        {
            Log.SigningRejected(logger, decision.Route.RouteId);
            decision.Decide(DecisionReason.UnsignableKey);
            return null;
        }

        telemetry.SigningDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(AuditTags.Store, store.Name));
        decision.Signed(store.Address.Bucket, key, link.ExpiresAt, CdnKeyKind, signer.Kind);
        return new DownloadLink(link.Url, method, link.ExpiresAt);
    }

    /// <summary>The IPv4 range of <paramref name="prefix"/> bits holding <paramref name="address"/> (an IPv4-mapped IPv6 address counts); null for IPv6.</summary>
    internal static string? Ipv4Range(IPAddress? address, int prefix)
    {
        if (address is { IsIPv4MappedToIPv6: true })
        {
            address = address.MapToIPv4();
        }

        if (address?.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        var network = BinaryPrimitives.ReadUInt32BigEndian(bytes) & (prefix == 0 ? 0 : uint.MaxValue << (32 - prefix));
        return string.Create(CultureInfo.InvariantCulture, $"{network >> 24}.{(network >> 16) & 0xFF}.{(network >> 8) & 0xFF}.{network & 0xFF}/{prefix}");
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
