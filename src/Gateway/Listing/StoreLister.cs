using System.Collections.Concurrent;
using System.Globalization;
using System.Xml;
using Gateway.Signing;
using Gateway.Signing.Cos;
using Gateway.Signing.Credentials;
using Gateway.Signing.SigV4;
using Gateway.Stores;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Gateway.Listing;

/// <summary>An object a listing returned.</summary>
/// <param name="Key">The full object key.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">When it was last written, when the store said.</param>
internal readonly record struct ListedObject(string Key, long Size, DateTimeOffset? LastModified);

/// <summary>One page of a listing: objects, common prefixes (sub-folders, each ending in the delimiter) and the store's token for the next page.</summary>
/// <param name="Objects">The objects, in key order.</param>
/// <param name="Folders">The common prefixes, in key order.</param>
/// <param name="Next">The store's continuation token (S3) or marker (COS), or null on the last page.</param>
internal sealed record ListPage(IReadOnlyList<ListedObject> Objects, IReadOnlyList<string> Folders, string? Next);

/// <summary>Why a listing failed: the store did not answer in time (504), or answered badly or not at all (502).</summary>
internal sealed class StoreListingException(bool timedOut) : Exception(timedOut ? "The store did not answer in time." : "The store could not be listed.")
{
    public bool TimedOut { get; } = timedOut;
}

/// <summary>
/// Lists a bucket the way its provider does, as a signed request by the gateway with the store's keys: ListObjectsV2
/// for S3, GET Bucket for COS. It sends through the route's cluster client, with retries and timeouts, and reads at
/// most <see cref="MaxResponseBytes"/>.
/// </summary>
internal sealed class StoreLister
{
    /// <summary>A page of 1000 keys of 1024 bytes, with their XML, fits well within this.</summary>
    public const int MaxResponseBytes = 8 * 1024 * 1024;

    private const string Delimiter = "/";
    private static readonly TimeSpan ListUrlLifetime = TimeSpan.FromMinutes(1);

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = true,
        IgnoreComments = true,
        // A key may hold a character XML 1.0 cannot carry; it is read here and refused by the key rules later.
        CheckCharacters = false,
    };

    private readonly ConcurrentDictionary<string, Func<PresignRequest, StorageCredentials, string>> _signers = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _time;

    public StoreLister(IOptions<ListingOptions> options, TimeProvider time)
    {
        _time = time;
        var settings = options.Value;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }.AddTimeout(settings.TotalTimeout);
        if (settings.Retries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.Retries,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        _pipeline = builder.AddTimeout(settings.AttemptTimeout).Build();
    }

    /// <summary>
    /// Lists keys under <paramref name="prefix"/>: one level (sub-folders as common prefixes) when
    /// <paramref name="oneLevel"/>, else every key beneath it.
    /// </summary>
    /// <exception cref="StoreListingException">The store failed or did not answer in time.</exception>
    public async Task<ListPage> ListAsync(
        Store store, StorageCredentials credentials, HttpMessageInvoker client, string prefix, bool oneLevel, int maxKeys, string? next, CancellationToken cancellationToken)
    {
        var parameters = new List<KeyValuePair<string, string>>(5) { new("prefix", prefix), new("max-keys", maxKeys.ToString(CultureInfo.InvariantCulture)) };
        if (oneLevel)
        {
            parameters.Add(new("delimiter", Delimiter));
        }

        if (store.Provider == StoreProvider.S3)
        {
            parameters.Add(new("list-type", "2"));
        }

        if (next is not null)
        {
            parameters.Add(new(store.Provider == StoreProvider.S3 ? "continuation-token" : "marker", next));
        }

        var now = _time.GetUtcNow();
        var lifetime = Redirect.UrlLifetime.Clamp(ListUrlLifetime, now, credentials.Expiration);
        var url = SignerFor(store)(new PresignRequest(HttpMethods.Get, "", now, lifetime, parameters), credentials);
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, state.url);
                    var answer = await state.client.SendAsync(request, token).ConfigureAwait(false);
                    if (answer.IsSuccessStatusCode)
                    {
                        await answer.Content.LoadIntoBufferAsync(MaxResponseBytes, token).ConfigureAwait(false);
                    }

                    return answer;
                },
                (client, url),
                cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new StoreListingException(timedOut: false);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return Parse(body, store.Provider, prefix);
        }
        catch (TimeoutRejectedException)
        {
            throw new StoreListingException(timedOut: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or XmlException or FormatException or OverflowException)
        {
            throw new StoreListingException(timedOut: false);
        }
    }

    /// <summary>Reads a ListBucketResult (S3 and COS share its shape); names outside <paramref name="prefix"/> are dropped.</summary>
    internal static ListPage Parse(Stream body, StoreProvider provider, string prefix)
    {
        var objects = new List<ListedObject>();
        var folders = new List<string>();
        var truncated = false;
        string? token = null;
        string? lastName = null;
        using var reader = XmlReader.Create(body, XmlSettings);
        reader.MoveToContent();
        if (reader.LocalName != "ListBucketResult")
        {
            throw new XmlException("Not a listing.");
        }

        reader.Read();
        while (!reader.EOF && reader.Depth >= 1)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            switch (reader.LocalName)
            {
                case "Contents":
                    var item = ReadChildren(reader);
                    if (item.GetValueOrDefault("Key") is { } key && key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        var modified = DateTimeOffset.TryParse(item.GetValueOrDefault("LastModified"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
                        objects.Add(new ListedObject(key, long.Parse(item.GetValueOrDefault("Size") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture), modified));
                        lastName = key;
                    }

                    break;
                case "CommonPrefixes":
                    if (ReadChildren(reader).GetValueOrDefault("Prefix") is { } folder && folder.StartsWith(prefix, StringComparison.Ordinal) && folder.Length > prefix.Length)
                    {
                        folders.Add(folder);
                        lastName = string.CompareOrdinal(folder, lastName) > 0 ? folder : lastName;
                    }

                    break;
                case "IsTruncated":
                    truncated = string.Equals(reader.ReadElementContentAsString(), "true", StringComparison.OrdinalIgnoreCase);
                    break;
                case "NextContinuationToken" when provider == StoreProvider.S3:
                case "NextMarker" when provider == StoreProvider.Cos:
                    token = reader.ReadElementContentAsString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // COS may leave NextMarker out; the listing then resumes after the last name it returned.
        token = truncated ? (string.IsNullOrEmpty(token) ? lastName : token) : null;
        return new ListPage(objects, folders, token);
    }

    private static Dictionary<string, string> ReadChildren(XmlReader reader)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return values;
        }

        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
            {
                values[reader.LocalName] = reader.ReadElementContentAsString();
            }
            else
            {
                reader.Read();
            }
        }

        reader.Read(); // the end element
        return values;
    }

    /// <summary>The bucket signer of a store: its provider's presigner for the bucket's own endpoint, never a public base URL.</summary>
    private Func<PresignRequest, StorageCredentials, string> SignerFor(Store store) => _signers.GetOrAdd(store.Name, static (_, store) =>
    {
        var address = store.Address with { PublicBaseUrl = null };
        if (store.Provider == StoreProvider.Cos)
        {
            var cos = new CosPresigner(address);
            return (request, credentials) => cos.PresignBucket(request, credentials);
        }

        var s3 = new SigV4Presigner(address);
        return (request, credentials) => s3.PresignBucket(request, credentials);
    }, store);
}
