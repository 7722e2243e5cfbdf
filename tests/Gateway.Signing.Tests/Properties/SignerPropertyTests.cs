using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Gateway.Signing.Cos;
using Gateway.Signing.Credentials;
using Gateway.Signing.SigV4;
using Gateway.Signing.Tests.TestSupport;
using Gateway.TestSupport;

namespace Gateway.Signing.Tests.Properties;

/// <summary>
/// Both presigners on hostile keys, tokens, parameter values and store addresses: the URL parses, keeps the store's
/// origin, decodes back to the bucket and key, carries each signature parameter once, and is the same when signed twice.
/// </summary>
public sealed partial class SignerPropertyTests
{
    private const int Iterations = 3000;
    private const string Cos = "cos";
    private const string SigV4 = "sigv4";
    private const string Disposition = "response-content-disposition";
    private const string ContentType = "Response-Content-Type";

    private static readonly (string Url, string Authority)[] s_endpoints =
    [
        ("http://127.0.0.1:4568", "127.0.0.1:4568"),
        ("https://minio.example.com", "minio.example.com"),
        ("https://s3.example.com:8443", "s3.example.com:8443"),
        ("https://cos.ap-guangzhou.myqcloud.com", "cos.ap-guangzhou.myqcloud.com"),
        ("http://Storage.Example.COM:80", "storage.example.com"),
        ("http://b\u00FCcher.example:9000", "xn--bcher-kva.example:9000"),
        ("http://[::1]:9000", "[::1]:9000"),
    ];

    private static readonly (string Url, string Origin)[] s_publicBases =
    [
        ("https://cdn.example.com", "https://cdn.example.com"),
        ("http://files.example.org:8080/", "http://files.example.org:8080"),
        ("HTTPS://CDN.Example.com:443", "https://cdn.example.com"),
    ];

    private static readonly DateTimeOffset s_earliest = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_latest = new(2099, 12, 31, 23, 59, 59, TimeSpan.Zero);

    // DNS labels such as "examplebucket-1250000000" or "logs.example": names every store really has.
    private static readonly Gen<string> Label = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[1, 12].Select(chars => new string(chars));
    private static readonly Gen<string> DnsName = Gen.Select(Label, Gen.OneOf("", "-", "."), Label, (a, separator, b) => a + separator + b);
    private static readonly Gen<string> Region = Gen.OneOf("ap-guangzhou", "us-east-1", "na-ashburn", "eu-west-3");

    // Anything the constructor's own character check lets through, including ".", "..", "-x" and upper case.
    private static readonly Gen<string> AllowedName = Gen.Char["abzAZ09.-_"].Array[1, 6].Select(chars => new string(chars));

    private static readonly Gen<Store> RealisticStore = Stores(DnsName, Region, realistic: true);

    private static readonly Gen<StorageCredentials> Credentials = Gen.Select(
        Gen.Frequency<string>((3, Gen.Const(TestCredentials.AccessKeyId)), (1, HostileText.NonEmptyWellFormedText)),
        Gen.Frequency<string>((3, Gen.Const(TestCredentials.SecretKey)), (1, HostileText.NonEmptyWellFormedText)),
        Gen.Frequency<string?>((2, Gen.Const((string?)null)), (1, Gen.Const<string?>(TestCredentials.SessionToken)), (1, HostileText.NonEmptyWellFormedText.Select(t => (string?)t))),
        (accessKeyId, secretKey, token) => new StorageCredentials { AccessKeyId = accessKeyId, SecretKey = secretKey, SessionToken = token });

    private static readonly Gen<KeyValuePair<string, string>[]> CallerParameters = Gen.OneOf<KeyValuePair<string, string>[]>(
        Gen.Const<KeyValuePair<string, string>[]>([]),
        HostileText.WellFormedText.Select(v => new KeyValuePair<string, string>[] { new(Disposition, "attachment; filename=\"" + v + "\"") }),
        Gen.Select(HostileText.WellFormedText, HostileText.WellFormedText, (a, b) => new KeyValuePair<string, string>[] { new(ContentType, a), new(Disposition, b) }));

    private static readonly Gen<PresignRequest> Requests = Gen.Select(
        Gen.OneOf("GET", "HEAD"),
        HostileText.NonEmptyWellFormedText,
        Gen.Long[s_earliest.ToUnixTimeMilliseconds(), s_latest.ToUnixTimeMilliseconds()].Select(DateTimeOffset.FromUnixTimeMilliseconds),
        Gen.Long[TimeSpan.TicksPerSecond, SigV4Presigner.MaxExpiresSeconds * TimeSpan.TicksPerSecond].Select(TimeSpan.FromTicks),
        CallerParameters,
        (method, key, signedAt, expiresIn, parameters) => new PresignRequest(method, key, signedAt, expiresIn, parameters));

    [Fact]
    public void Presign_WellFormedKey_UrlKeepsTheStoreOriginAndDecodesBackToBucketAndKey() =>
        Gen.Select(RealisticStore, Requests, Credentials).Sample(
            (store, request, credentials) =>
            {
                (string url, string signedHost) = store.Sign(request, credentials);

                // Determinism with a pinned clock: the same presigner (its key cache warm) and a fresh one agree.
                Assert.Equal(url, store.Sign(request, credentials).Url);
                Assert.Equal(url, Store.Sign(store.Create(), request, credentials).Url);

                Assert.True(Uri.TryCreate(url, UriKind.Absolute, out Uri? uri), "The signed URL parses.");
                Assert.StartsWith(store.Origin + "/", url, StringComparison.Ordinal);
                Assert.Equal(store.Origin, uri.GetLeftPart(UriPartial.Authority));
                Assert.Equal(store.SigningAuthority, signedHost);
                Assert.Empty(uri.UserInfo);
                Assert.Empty(uri.Fragment);

                int queryStart = url.IndexOf('?', StringComparison.Ordinal);
                string rawPath = url[store.Origin.Length..queryStart];
                Assert.Equal(store.PathPrefix + request.Key, UrlText.PercentDecode(rawPath));
                Assert.Equal(url[queryStart..], uri.Query);
                if (HasDotSegment(request.Key))
                {
                    // Signed as is (S3 keeps them), but a client resolves them first: this is why the key mapper refuses such keys.
                    Assert.NotEqual(rawPath, UrlText.BrowserPath(rawPath));
                }
                else
                {
                    Assert.Equal(rawPath, uri.AbsolutePath);
                    Assert.Equal(rawPath, UrlText.BrowserPath(rawPath));
                }

                Dictionary<string, string> query = SingleValuedQuery(url[(queryStart + 1)..]);
                if (store.Kind == Cos)
                {
                    AssertCosQuery(query, request, credentials);
                }
                else
                {
                    AssertSigV4Query(query, request, credentials, store.Address.Region);
                }
            },
            iter: Iterations);

    [Fact]
    public void Presign_ArbitraryKey_ThrowsOnlyArgumentExceptionAndOnlyForAnEmptyKeyOrALoneSurrogate()
    {
        var refused = 0;
        Gen.Select(RealisticStore, HostileText.Text, Requests).Sample(
            (store, key, request) =>
            {
                request = request with { Key = key };
                if (key.Length > 0 && HostileText.IsWellFormed(key))
                {
                    string url = store.Sign(request, TestCredentials.Temporary).Url;
                    Assert.Equal(store.Origin, new Uri(url).GetLeftPart(UriPartial.Authority));
                    Assert.Equal(store.PathPrefix + key, UrlText.PercentDecode(url[store.Origin.Length..url.IndexOf('?', StringComparison.Ordinal)]));
                    return;
                }

                Interlocked.Increment(ref refused);
                ArgumentException exception = Assert.Throws<ArgumentException>(() => store.Sign(request, TestCredentials.Temporary));
                Assert.DoesNotContain(TestCredentials.SecretKey, exception.ToString(), StringComparison.Ordinal);
            },
            iter: Iterations);

        Assert.InRange(refused, Iterations / 10, Iterations * 9 / 10);
    }

    [Fact]
    public void Presign_DifferentKeys_GiveDifferentSignatures() =>
        Gen.Select(RealisticStore, Requests, HostileText.NonEmptyWellFormedText)
            .Where((_, request, otherKey) => request.Key != otherKey)
            .Sample(
                (store, request, otherKey) =>
                {
                    string name = store.Kind == Cos ? "q-signature" : "X-Amz-Signature";
                    string first = SingleValuedQuery(new Uri(store.Sign(request, TestCredentials.Permanent).Url).Query[1..])[name];
                    string second = SingleValuedQuery(new Uri(store.Sign(request with { Key = otherKey }, TestCredentials.Permanent).Url).Query[1..])[name];

                    Assert.NotEqual(first, second);
                },
                iter: Iterations);

    [Fact]
    public void Constructor_AnyAddress_RefusesItOrSignsForExactlyTheHostTheUrlReaches()
    {
        var accepted = 0;
        Stores(AllowedName, Gen.Frequency<string>((1, Region), (1, AllowedName)), realistic: false).Sample(
            store =>
            {
                IPresigner presigner;
                try
                {
                    presigner = store.Create();
                }
                catch (ArgumentException)
                {
                    return;
                }

                Interlocked.Increment(ref accepted);
                var request = new PresignRequest("GET", "a/b.txt", s_earliest, TimeSpan.FromMinutes(5));
                (string url, string signedHost) = store.Sign(request, TestCredentials.Permanent);

                Assert.True(Uri.TryCreate(url, UriKind.Absolute, out Uri? uri), "The signed URL parses.");
                Assert.Equal(store.Origin, uri.GetLeftPart(UriPartial.Authority), ignoreCase: true);
                Assert.Equal(store.PathPrefix + request.Key, UrlText.PercentDecode(uri.AbsolutePath));
                if (store.Address.PublicBaseUrl is null)
                {
                    // What a client sends as Host is the parsed URL's authority, so that is what must be signed.
                    Assert.Equal(uri.Authority, signedHost);
                }
            },
            iter: Iterations);

        Assert.InRange(accepted, Iterations / 10, Iterations);
    }

    /// <summary>Stores with the given names; realistic ones put the bucket in the path of an IP-literal endpoint, as nothing else can work.</summary>
    private static Gen<Store> Stores(Gen<string> buckets, Gen<string> regions, bool realistic) => Gen.Select(
        Gen.OneOf(Cos, SigV4),
        buckets,
        regions,
        Gen.Int[-1, s_endpoints.Length - 1],
        Gen.Bool,
        Gen.Frequency<int>((3, Gen.Const(-1)), (1, Gen.Int[0, s_publicBases.Length - 1])),
        (kind, bucket, region, endpoint, pathStyle, publicBase) =>
        {
            pathStyle |= realistic && endpoint >= 0 && s_endpoints[endpoint].Authority.StartsWith('[');
            var address = new StoreAddress
            {
                Bucket = bucket,
                Region = region,
                Endpoint = endpoint < 0 ? null : new Uri(s_endpoints[endpoint].Url),
                ForcePathStyle = pathStyle,
                PublicBaseUrl = publicBase < 0 ? null : new Uri(s_publicBases[publicBase].Url),
            };

            // What the StoreAddress documentation promises, written out independently of SigningEndpoint.
            string signingAuthority = endpoint < 0
                ? kind == Cos ? $"{bucket}.cos.{region}.myqcloud.com" : $"{bucket}.s3.{region}.amazonaws.com"
                : pathStyle ? s_endpoints[endpoint].Authority : bucket + "." + s_endpoints[endpoint].Authority;
            string scheme = address.Endpoint?.Scheme ?? "https";
            string origin = publicBase < 0 ? scheme + "://" + signingAuthority : s_publicBases[publicBase].Origin;
            string pathPrefix = endpoint >= 0 && pathStyle ? "/" + bucket + "/" : "/";
            return new Store(kind, address, signingAuthority, origin, pathPrefix);
        });

    private static void AssertCosQuery(Dictionary<string, string> query, PresignRequest request, StorageCredentials credentials)
    {
        List<string> expectedNames = ["q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"];
        if (credentials.SessionToken is not null)
        {
            expectedNames.Add("x-cos-security-token");
        }

        expectedNames.AddRange(request.QueryParameters!.Select(p => p.Key));
        Assert.Equal(expectedNames.Order(StringComparer.Ordinal), query.Keys.Order(StringComparer.Ordinal));

        long start = request.SignedAt.ToUnixTimeSeconds();
        long seconds = request.ExpiresIn.Ticks / TimeSpan.TicksPerSecond;
        Assert.Equal("sha1", query["q-sign-algorithm"]);
        Assert.Equal(credentials.AccessKeyId, UrlText.PercentDecode(query["q-ak"]));
        Assert.Equal($"{start};{start + seconds}", UrlText.PercentDecode(query["q-sign-time"]));
        Assert.Equal(query["q-sign-time"], query["q-key-time"]);
        Assert.Equal("host", query["q-header-list"]);
        Assert.Equal(
            string.Join(';', request.QueryParameters!.Select(p => p.Key.ToLowerInvariant()).Order(StringComparer.Ordinal)),
            UrlText.PercentDecode(query["q-url-param-list"]));
        Assert.Matches(LowerHex40(), query["q-signature"]);
        AssertCallerParametersAndToken(query, request, "x-cos-security-token", credentials.SessionToken);
    }

    private static void AssertSigV4Query(Dictionary<string, string> query, PresignRequest request, StorageCredentials credentials, string region)
    {
        List<string> expectedNames = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"];
        if (credentials.SessionToken is not null)
        {
            expectedNames.Add("X-Amz-Security-Token");
        }

        expectedNames.AddRange(request.QueryParameters!.Select(p => p.Key));
        Assert.Equal(expectedNames.Order(StringComparer.Ordinal), query.Keys.Order(StringComparer.Ordinal));

        DateTime utc = request.SignedAt.UtcDateTime;
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.Equal(
            $"{credentials.AccessKeyId}/{utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/s3/aws4_request",
            UrlText.PercentDecode(query["X-Amz-Credential"]));
        Assert.Equal(utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), query["X-Amz-Date"]);
        Assert.Equal((request.ExpiresIn.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture), query["X-Amz-Expires"]);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
        Assert.Matches(LowerHex64(), query["X-Amz-Signature"]);
        AssertCallerParametersAndToken(query, request, "X-Amz-Security-Token", credentials.SessionToken);
    }

    private static void AssertCallerParametersAndToken(Dictionary<string, string> query, PresignRequest request, string tokenName, string? token)
    {
        foreach ((string name, string value) in request.QueryParameters!)
        {
            Assert.Equal(value, UrlText.PercentDecode(query[name]));
        }

        if (token is not null)
        {
            Assert.Equal(token, UrlText.PercentDecode(query[tokenName]));
        }
    }

    private static bool HasDotSegment(string key) => key.Split('/').Any(segment => segment is "." or "..");

    /// <summary>The query as name to raw value; fails when a name is missing its '=' or appears twice.</summary>
    private static Dictionary<string, string> SingleValuedQuery(string query)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string parameter in query.Split('&'))
        {
            int equals = parameter.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, "Every query parameter has a name and a value.");
            Assert.True(parameters.TryAdd(parameter[..equals], parameter[(equals + 1)..]), "No query parameter appears twice.");
        }

        return parameters;
    }

    [GeneratedRegex(@"\A[0-9a-f]{40}\z")]
    private static partial Regex LowerHex40();

    [GeneratedRegex(@"\A[0-9a-f]{64}\z")]
    private static partial Regex LowerHex64();

    /// <summary>A store to sign for, with what its URLs must look like.</summary>
    private sealed record Store(string Kind, StoreAddress Address, string SigningAuthority, string Origin, string PathPrefix)
    {
        private IPresigner? _presigner;

        public IPresigner Create() => Kind == Cos ? new CosPresigner(Address) : new SigV4Presigner(Address);

        /// <summary>Signs with this store's presigner (made once) and returns the URL and the host that was signed.</summary>
        public (string Url, string SignedHost) Sign(PresignRequest request, StorageCredentials credentials) =>
            Sign(_presigner ??= Create(), request, credentials);

        public static (string Url, string SignedHost) Sign(IPresigner presigner, PresignRequest request, StorageCredentials credentials)
        {
            if (presigner is CosPresigner cos)
            {
                var trace = new CosSignatureTrace();
                string url = cos.Presign(request, credentials, trace);

                // The host is the last line of HttpString, after the raw key and the parameters.
                string httpString = trace.HttpString!.TrimEnd('\n');
                string hostLine = httpString[(httpString.LastIndexOf('\n') + 1)..];
                Assert.StartsWith("host=", hostLine, StringComparison.Ordinal);
                return (url, UrlText.PercentDecode(hostLine["host=".Length..]));
            }

            var sigV4Trace = new SigV4SignatureTrace();
            string sigV4Url = ((SigV4Presigner)presigner).Presign(request, credentials, sigV4Trace);
            string hostHeader = sigV4Trace.CanonicalRequest!.Split('\n')[3];
            Assert.StartsWith("host:", hostHeader, StringComparison.Ordinal);
            return (sigV4Url, hostHeader["host:".Length..]);
        }

        public override string ToString() =>
            $"{Kind} {{ Bucket = {Address.Bucket}, Region = {Address.Region}, Endpoint = {Address.Endpoint}, PathStyle = {Address.ForcePathStyle}, PublicBaseUrl = {Address.PublicBaseUrl} }}";
    }
}
