using Gateway.Signing.Cos;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.Cos;

public sealed class CosPresignerTests
{
    private const string Bucket = "examplebucket-1250000000";

    private static readonly DateTimeOffset s_signedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly StoreAddress s_address = new() { Bucket = Bucket, Region = "ap-guangzhou" };

    public static TheoryData<string> ReservedNames => new("q-signature", "Q-AK", "q-url-param-list", "X-Cos-Security-Token");

    [Fact]
    public void Presign_EndpointVirtualHosted_SignsBucketSubdomainOfEndpoint()
    {
        var presigner = new CosPresigner(s_address with { Endpoint = new Uri("http://cos.internal.example:9000") });
        var trace = new CosSignatureTrace();

        string url = presigner.Presign(Request("a b.txt"), TestCredentials.Permanent, trace);

        Assert.StartsWith($"http://{Bucket}.cos.internal.example:9000/a%20b.txt?q-sign-algorithm=sha1&", url, StringComparison.Ordinal);
        Assert.Equal($"get\n/a b.txt\n\nhost={Bucket}.cos.internal.example%3A9000\n", trace.HttpString);
    }

    [Fact]
    public void Presign_EndpointPathStyle_PutsBucketInPathAndSignsIt()
    {
        var presigner = new CosPresigner(s_address with { Endpoint = new Uri("http://127.0.0.1:9000"), ForcePathStyle = true });
        var trace = new CosSignatureTrace();

        string url = presigner.Presign(Request("a b.txt"), TestCredentials.Permanent, trace);

        Assert.StartsWith($"http://127.0.0.1:9000/{Bucket}/a%20b.txt?", url, StringComparison.Ordinal);
        Assert.Equal($"get\n/{Bucket}/a b.txt\n\nhost=127.0.0.1%3A9000\n", trace.HttpString);
    }

    [Fact]
    public void Presign_HostileSecurityToken_StaysInsideItsOwnParameter()
    {
        var credentials = TestCredentials.Temporary with { SessionToken = "tok&q-signature=forged#x y" };

        string url = new CosPresigner(s_address).Presign(Request("a.txt"), credentials);

        string[] parameters = UrlAssert.QueryParameters(url);
        Assert.Single(parameters, p => p.StartsWith("q-signature=", StringComparison.Ordinal));
        Assert.Contains("x-cos-security-token=tok%26q-signature=forged%23x%20y", parameters);
        Assert.DoesNotContain('#', url);
    }

    [Fact]
    public void Presign_QueryParameters_SignsLowerCasedSortedNamesAndKeepsNamesInUrl()
    {
        var trace = new CosSignatureTrace();
        PresignRequest request = Request("a.txt") with
        {
            QueryParameters = [new("Response-Content-Type", "text/plain"), new("response-cache-control", "no-cache")],
        };

        string url = new CosPresigner(s_address).Presign(request, TestCredentials.Permanent, trace);

        Assert.Contains("\nresponse-cache-control=no-cache&response-content-type=text%2Fplain\n", trace.HttpString, StringComparison.Ordinal);
        string[] parameters = UrlAssert.QueryParameters(url);
        Assert.Contains("q-url-param-list=response-cache-control%3bresponse-content-type", parameters);
        Assert.Contains("Response-Content-Type=text%2Fplain", parameters);
        Assert.Contains("response-cache-control=no-cache", parameters);
    }

    [Theory]
    [MemberData(nameof(ReservedNames))]
    public void Presign_QueryNameTheSignatureSets_ThrowsArgumentException(string name)
    {
        PresignRequest request = Request("a.txt") with { QueryParameters = [new(name, "x")] };

        Assert.Throws<ArgumentException>(() => new CosPresigner(s_address).Presign(request, TestCredentials.Permanent));
    }

    [Fact]
    public void Presign_QueryNamesEqualIgnoringCase_ThrowsArgumentException()
    {
        PresignRequest request = Request("a.txt") with
        {
            QueryParameters = [new("response-content-type", "a"), new("Response-Content-Type", "b")],
        };

        Assert.Throws<ArgumentException>(() => new CosPresigner(s_address).Presign(request, TestCredentials.Permanent));
    }

    [Fact]
    public void Presign_ManyQueryParameters_SpillsPastInlineBufferAndSorts()
    {
        var trace = new CosSignatureTrace();
        PresignRequest request = Request("a.txt") with
        {
            QueryParameters = [.. Enumerable.Range(0, 12).Reverse().Select(i => new KeyValuePair<string, string>($"p{i:D2}", $"{i}"))],
        };

        new CosPresigner(s_address).Presign(request, TestCredentials.Permanent, trace);

        string expected = string.Join('&', Enumerable.Range(0, 12).Select(i => $"p{i:D2}={i}"));
        Assert.Contains("\n" + expected + "\n", trace.HttpString, StringComparison.Ordinal);
    }

    [Fact]
    public void Presign_FractionalExpiry_UsesWholeSeconds()
    {
        var trace = new CosSignatureTrace();

        new CosPresigner(s_address).Presign(
            Request("a.txt") with { ExpiresIn = TimeSpan.FromSeconds(600.9) }, TestCredentials.Permanent, trace);

        Assert.Equal("1700000000;1700000600", trace.KeyTime);
    }

    [Fact]
    public void Presign_SecretRotatedWithinSameKeyTime_SignsWithNewSecret()
    {
        var presigner = new CosPresigner(s_address);
        var first = TestCredentials.WithSecret("first-secret");
        var second = TestCredentials.WithSecret("second-secret");

        string firstUrl = presigner.Presign(Request("a.txt"), first);
        string secondUrl = presigner.Presign(Request("a.txt"), second);

        Assert.Equal(new CosPresigner(s_address).Presign(Request("a.txt"), second), secondUrl);
        Assert.NotEqual(firstUrl, secondUrl);
    }

    [Fact]
    public void Presign_SameStartDifferentExpiry_SignsEachKeyTime()
    {
        var presigner = new CosPresigner(s_address);
        PresignRequest shortLived = Request("a.txt");
        PresignRequest longLived = shortLived with { ExpiresIn = TimeSpan.FromHours(1) };

        presigner.Presign(shortLived, TestCredentials.Permanent);
        string url = presigner.Presign(longLived, TestCredentials.Permanent);

        Assert.Equal(new CosPresigner(s_address).Presign(longLived, TestCredentials.Permanent), url);
    }

    [Fact]
    public void Presign_SigningTimeBefore1970_ThrowsArgumentException()
    {
        PresignRequest request = Request("a.txt") with { SignedAt = DateTimeOffset.UnixEpoch.AddSeconds(-1) };

        Assert.Throws<ArgumentException>(() => new CosPresigner(s_address).Presign(request, TestCredentials.Permanent));
    }

    [Fact]
    public void DeriveSignKey_VectorKeyTime_IsLowerHexOfHmacSha1()
    {
        byte[] signKey = CosPresigner.DeriveSignKey("SECRETKEYEXAMPLE", "1700000000;1700000600");

        Assert.Equal("ccb0eb69fa66c566029d5b2294794f7fcdd0a69d", System.Text.Encoding.ASCII.GetString(signKey));
    }

    [Fact]
    public void Constructor_MalformedAddress_ThrowsArgumentExceptionNamingTheSetting()
    {
        Assert.Contains("Bucket", Assert.Throws<ArgumentException>(() => new CosPresigner(s_address with { Bucket = "a/b" })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CosPresigner(s_address with { Bucket = "" }));
        Assert.Throws<ArgumentException>(() => new CosPresigner(s_address with { Region = "ap guangzhou" }));
        Assert.Contains("Endpoint", Assert.Throws<ArgumentException>(() => new CosPresigner(s_address with { Endpoint = new Uri("ftp://cos.example") })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CosPresigner(s_address with { Endpoint = new Uri("https://cos.example/prefix") }));
        Assert.Contains("PublicBaseUrl", Assert.Throws<ArgumentException>(() => new CosPresigner(s_address with { PublicBaseUrl = new Uri("https://cdn.example/x?y") })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new CosPresigner(null!));
    }

    private static PresignRequest Request(string key) => new("GET", key, s_signedAt, TimeSpan.FromSeconds(600));
}
