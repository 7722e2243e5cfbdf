using System.Collections.Frozen;
using Gateway.Audit;
using Gateway.Diagnostics;
using Gateway.Routing;
using Yarp.ReverseProxy.Configuration;
using Gateway.Signing;
using Gateway.Signing.Cos;
using Gateway.Signing.Credentials;
using Gateway.Signing.SigV4;
using Microsoft.Extensions.Options;

namespace Gateway.Stores;

/// <summary>
/// The stores, built once from validated <see cref="StoresOptions"/>, each with its presigner and its credentials:
/// a permanent key, or temporary keys from STS requested with a least-privilege policy and refreshed ahead of expiry.
/// </summary>
internal sealed partial class StoreRegistry : IDisposable
{
    /// <summary>The named HttpClient that calls STS, with retries and timeouts from Microsoft.Extensions.Http.Resilience.</summary>
    public const string StsHttpClient = "sts";

    private readonly FrozenDictionary<string, Store> _stores;
    private readonly FrozenDictionary<string, IReadOnlyList<string>> _grantedPrefixes;
    private readonly IHttpClientFactory _http;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly GatewayTelemetry _telemetry;
    private readonly ILogger<StoreRegistry> _logger;

    public StoreRegistry(
        IOptions<StoresOptions> options,
        IConfiguration configuration,
        IProxyConfigProvider proxyConfig,
        DownloadRouteContext routeContext,
        IHttpClientFactory http,
        TimeProvider time,
        GatewayTelemetry telemetry,
        ILogger<StoreRegistry> logger)
    {
        _http = http;
        _configuration = configuration;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
        // The routes YARP starts with; temporary keys are requested for the key prefixes they reach. A route added
        // later must stay inside those prefixes (the route config filter refuses it otherwise).
        var routes = proxyConfig.GetConfig().Routes
            .Select(route => DownloadRouteCompiler.Compile(route, routeContext, []))
            .OfType<DownloadRoute>()
            .ToList();
        var stores = new Dictionary<string, Store>(StringComparer.Ordinal);
        var granted = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, store) in options.Value.Stores)
        {
            var prefixes = LeastPrivilegePolicy.Prefixes(name, routes);
            stores[name] = Create(name, store, prefixes, LeastPrivilegePolicy.ListingPrefixes(name, routes));
            if (store.Credentials!.UsesSts)
            {
                granted[name] = prefixes;
            }
        }

        _stores = stores.ToFrozenDictionary(StringComparer.Ordinal);
        _grantedPrefixes = granted.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>All stores.</summary>
    public IEnumerable<Store> All => _stores.Values;

    /// <summary>
    /// Whether the store's keys may sign every key <paramref name="route"/> reaches: always for permanent keys; for
    /// temporary keys, only inside the prefixes their access policy was requested for.
    /// </summary>
    public bool Covers(DownloadRoute route) =>
        !_grantedPrefixes.TryGetValue(route.StoreName, out var prefixes)
        || prefixes.Any(prefix => route.KeyTemplate.LiteralPrefix.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The key prefixes the store's temporary keys were requested for, or null when it signs with permanent keys.</summary>
    public IReadOnlyList<string>? GrantedPrefixes(string storeName) => _grantedPrefixes.GetValueOrDefault(storeName);

    /// <summary>Returns the named store; route validation guarantees it exists.</summary>
    public Store Get(string name) => _stores[name];

    public void Dispose()
    {
        foreach (var store in _stores.Values)
        {
            (store.Credentials as IDisposable)?.Dispose();
        }
    }

    /// <summary>The address a store's presigner is built with; validation guarantees its bucket and region.</summary>
    internal static StoreAddress AddressOf(StoreOptions options) => new()
    {
        Bucket = options.Bucket!,
        Region = options.Region!,
        Endpoint = options.Endpoint,
        ForcePathStyle = options.ForcePathStyle,
        PublicBaseUrl = options.PublicBaseUrl,
    };

    /// <summary>What the provider's presigner would refuse in <paramref name="address"/>, or null: the pure check validation uses.</summary>
    internal static string? AddressProblem(StoreProvider provider, StoreAddress address) => provider switch
    {
        StoreProvider.Cos => CosPresigner.AddressProblem(address),
        StoreProvider.S3 => SigV4Presigner.AddressProblem(address),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    private Store Create(string name, StoreOptions options, IReadOnlyList<string> prefixes, IReadOnlyList<string> listing)
    {
        var address = AddressOf(options);
        var provider = options.Provider!.Value;
        IPresigner presigner = provider switch
        {
            StoreProvider.Cos => new CosPresigner(address),
            StoreProvider.S3 => new SigV4Presigner(address),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"Gateway:Stores:{name}:Provider is not supported."),
        };

        return new Store(name, provider, address, presigner, CreateCredentials(name, options, prefixes, listing));
    }

    private ICredentialsProvider CreateCredentials(string store, StoreOptions options, IReadOnlyList<string> prefixes, IReadOnlyList<string> listing)
    {
        var credentials = options.Credentials!;
        var policy = LeastPrivilegePolicy.For(options, prefixes, listing: listing);
        ICredentialsSource? source = credentials.Source switch
        {
            CredentialSource.TencentSts => new TencentStsCredentialsSource(
                _http.CreateClient(StsHttpClient), StsSettings.Tencent(options, credentials.Sts, policy), PermanentKey(credentials), _time),
            CredentialSource.AwsSts => new AwsStsCredentialsSource(
                _http.CreateClient(StsHttpClient), StsSettings.Aws(credentials, _configuration, policy), PermanentKey(credentials), _time),
            CredentialSource.AwsWebIdentity => new AwsStsCredentialsSource(
                _http.CreateClient(StsHttpClient), StsSettings.Aws(credentials, _configuration, policy), permanentKey: null, _time),
            _ => null,
        };

        if (source is null)
        {
            var key = credentials.Source == CredentialSource.Environment ? EnvironmentKey() : PermanentKey(credentials);
            if (!key.IsTemporary)
            {
                Log.PermanentKey(_logger, store);
            }

            return new StaticCredentialsProvider(key);
        }

        var provider = new RefreshingCredentialsProvider(source, _time);
        provider.Refreshed += outcome => OnRefreshed(store, outcome);
        return provider;
    }

    private void OnRefreshed(string store, CredentialRefreshOutcome outcome)
    {
        _telemetry.CredentialRefreshes.Add(
            1,
            new KeyValuePair<string, object?>(AuditTags.Store, store),
            new KeyValuePair<string, object?>(AuditTags.Outcome, outcome.Succeeded ? "success" : "failure"));
        if (outcome.Succeeded)
        {
            Log.CredentialsRefreshed(_logger, store, outcome.SourceKind, outcome.Expiration);
        }
        else
        {
            Log.CredentialsRefreshFailed(_logger, store, outcome.SourceKind, outcome.ErrorCode ?? outcome.Error?.GetType().Name ?? "unknown", outcome.ConsecutiveFailures, outcome.NextAttemptAt);
        }
    }

    private static StorageCredentials PermanentKey(CredentialOptions options) => new()
    {
        AccessKeyId = options.AccessKeyId!,
        SecretKey = string.IsNullOrEmpty(options.SecretKeyFile) ? options.SecretKey! : File.ReadAllText(options.SecretKeyFile).Trim(),
        SessionToken = string.IsNullOrEmpty(options.SessionToken) ? null : options.SessionToken,
    };

    private StorageCredentials EnvironmentKey() => new()
    {
        AccessKeyId = _configuration["AWS_ACCESS_KEY_ID"]!,
        SecretKey = _configuration["AWS_SECRET_ACCESS_KEY"]!,
        SessionToken = _configuration["AWS_SESSION_TOKEN"] is { Length: > 0 } token ? token : null,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.PermanentKey, Level = LogLevel.Warning, Message = "Store {Store} signs URLs with a permanent key. Prefer temporary keys: set Credentials:Source to tencent-sts, aws-sts or aws-web-identity, and scope the key to downloads only (see README).")]
        public static partial void PermanentKey(ILogger logger, string store);

        [LoggerMessage(EventId = LogEvents.CredentialsRefreshed, Level = LogLevel.Information, Message = "Store {Store} has new temporary keys from {Source}, valid until {Expiration:O}.")]
        public static partial void CredentialsRefreshed(ILogger logger, string store, string source, DateTimeOffset? expiration);

        [LoggerMessage(EventId = LogEvents.CredentialsRefreshFailed, Level = LogLevel.Warning, Message = "Store {Store} could not refresh its temporary keys from {Source} ({ErrorCode}, {Failures} in a row); next attempt at {NextAttempt:O}. The current keys are used until they expire.")]
        public static partial void CredentialsRefreshFailed(ILogger logger, string store, string source, string errorCode, int failures, DateTimeOffset nextAttempt);
    }
}
