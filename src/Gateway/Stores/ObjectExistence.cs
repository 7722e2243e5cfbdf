using Gateway.Signing;
using Gateway.Signing.Credentials;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Gateway.Stores;

/// <summary>What the store said about an object.</summary>
internal enum ObjectState
{
    Exists,
    Missing,
    Unknown,
}

/// <summary>
/// Asks a store with a signed HEAD whether an object exists, and remembers the answer briefly. It costs one
/// round trip to the store per key and cache period, on the request path; routes opt in with <c>Download.CheckExists</c>.
/// </summary>
internal sealed class ObjectExistence(IHttpClientFactory http, IMemoryCache cache, TimeProvider time, IOptions<StoresOptions> options)
{
    /// <summary>The named HttpClient that sends the HEAD requests.</summary>
    public const string StoreHttpClient = "store";

    private static readonly TimeSpan HeadUrlLifetime = TimeSpan.FromMinutes(1);

    private readonly ExistenceCheckOptions _settings = options.Value.ExistenceCheck;

    /// <summary>Whether a store that cannot be asked lets the download through (true) or refuses it (false, the default).</summary>
    public bool FailOpen => _settings.FailOpen;

    public async ValueTask<ObjectState> CheckAsync(Store store, string key, StorageCredentials credentials, CancellationToken cancellationToken)
    {
        var cacheKey = (store.Name, key);
        if (_settings.CacheTtl > TimeSpan.Zero && cache.TryGetValue(cacheKey, out ObjectState known))
        {
            return known;
        }

        var now = time.GetUtcNow();
        var lifetime = Redirect.UrlLifetime.Clamp(HeadUrlLifetime, now, credentials.Expiration);
        if (lifetime < Redirect.UrlLifetime.Minimum)
        {
            return ObjectState.Unknown;
        }

        var url = store.Presigner.Presign(new PresignRequest(HttpMethods.Head, key, now, lifetime), credentials);
        var state = await AskAsync(url, cancellationToken).ConfigureAwait(false);
        // A zero time to live turns the cache off: every check asks the store.
        if (state != ObjectState.Unknown && _settings.CacheTtl > TimeSpan.Zero)
        {
            cache.Set(cacheKey, state, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = _settings.CacheTtl, Size = 1 });
        }

        return state;
    }

    private async Task<ObjectState> AskAsync(string url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, url);
            using var response = await http.CreateClient(StoreHttpClient).SendAsync(request, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? ObjectState.Exists
                : response.StatusCode == System.Net.HttpStatusCode.NotFound ? ObjectState.Missing
                : ObjectState.Unknown;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ObjectState.Unknown;
        }
    }
}
