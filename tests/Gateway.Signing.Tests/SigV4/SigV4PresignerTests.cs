using Gateway.Signing.SigV4;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.SigV4;

public sealed class SigV4PresignerTests
{
    private const string Bucket = "examplebucket";

    private static readonly DateTimeOffset s_signedAt = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly StoreAddress s_address = new() { Bucket = Bucket, Region = "us-east-1" };

    public static TheoryData<string> ReservedNames => new("X-Amz-Signature", "x-amz-date", "X-AMZ-SECURITY-TOKEN", "X-Amz-Credential");

    [Fact]
    public void Presign_KeyWithDotSegmentsAndDoubleSlash_SignsPathAsIs()
    {
        var trace = new SigV4SignatureTrace();

        string url = new SigV4Presigner(s_address).Presign(Request("a/./b/../c//d"), TestCredentials.Permanent, trace);

        Assert.StartsWith("GET\n/a/./b/../c//d\n", trace.CanonicalRequest, StringComparison.Ordinal);
        Assert.StartsWith($"https://{Bucket}.s3.us-east-1.amazonaws.com/a/./b/../c//d?", url, StringComparison.Ordinal);
    }

    [Fact]
    public void Presign_CallerParametersAroundAmzNames_CanonicalQueryIsSorted()
    {
        var trace = new SigV4SignatureTrace();
        PresignRequest request = Request("a.txt") with
        {
            QueryParameters =
            [
                new("x-id", "GetObject"),
                new("response-content-type", "text/plain"),
                new("X-Amz-Checksum-Mode", "ENABLED"),
                new("A-first", "1"),
            ],
        };

        string url = new SigV4Presigner(s_address).Presign(request, TestCredentials.Temporary, trace);

        string[] canonicalQuery = trace.CanonicalRequest!.Split('\n')[2].Split('&');
        Assert.Equal(canonicalQuery.Order(StringComparer.Ordinal), canonicalQuery);
        Assert.Equal(10, canonicalQuery.Length);
        Assert.Equal(
            canonicalQuery.Append("X-Amz-Signature=" + trace.Signature).Order(StringComparer.Ordinal),
            UrlAssert.QueryParameters(url).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Presign_SessionToken_IsSignedAndEncoded()
    {
        var trace = new SigV4SignatureTrace();
        var credentials = TestCredentials.Temporary with { SessionToken = "tok+en/=&x" };

        new SigV4Presigner(s_address).Presign(Request("a.txt"), credentials, trace);

        Assert.Contains("&X-Amz-Security-Token=tok%2Ben%2F%3D%26x&X-Amz-SignedHeaders=host\n", trace.CanonicalRequest, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ReservedNames))]
    public void Presign_QueryNameTheSignatureSets_ThrowsArgumentException(string name)
    {
        PresignRequest request = Request("a.txt") with { QueryParameters = [new(name, "x")] };

        Assert.Throws<ArgumentException>(() => new SigV4Presigner(s_address).Presign(request, TestCredentials.Permanent));
    }

    [Fact]
    public void Presign_DuplicateQueryName_ThrowsArgumentException()
    {
        PresignRequest request = Request("a.txt") with { QueryParameters = [new("x-id", "a"), new("x-id", "b")] };

        Assert.Throws<ArgumentException>(() => new SigV4Presigner(s_address).Presign(request, TestCredentials.Permanent));
    }

    [Fact]
    public void Presign_ExpiresAtTheSigV4Cap_IsAcceptedAndOneMoreSecondIsNot()
    {
        var presigner = new SigV4Presigner(s_address);
        var trace = new SigV4SignatureTrace();

        presigner.Presign(Request("a.txt") with { ExpiresIn = TimeSpan.FromSeconds(604_800) }, TestCredentials.Permanent, trace);

        Assert.Contains("&X-Amz-Expires=604800&", trace.CanonicalRequest, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(
            () => presigner.Presign(Request("a.txt") with { ExpiresIn = TimeSpan.FromSeconds(604_801) }, TestCredentials.Permanent));
    }

    [Fact]
    public void Presign_EndpointVirtualHostedWithPort_SignsBucketSubdomainWithPort()
    {
        var presigner = new SigV4Presigner(s_address with { Endpoint = new Uri("https://s3.internal.example:9443") });
        var trace = new SigV4SignatureTrace();

        string url = presigner.Presign(Request("a.txt"), TestCredentials.Permanent, trace);

        Assert.StartsWith($"https://{Bucket}.s3.internal.example:9443/a.txt?", url, StringComparison.Ordinal);
        Assert.Contains($"\nhost:{Bucket}.s3.internal.example:9443\n", trace.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public void Presign_Ipv6EndpointPathStyle_SignsBracketedHost()
    {
        var presigner = new SigV4Presigner(s_address with { Endpoint = new Uri("http://[::1]:9000"), ForcePathStyle = true });
        var trace = new SigV4SignatureTrace();

        string url = presigner.Presign(Request("a.txt"), TestCredentials.Permanent, trace);

        Assert.StartsWith($"http://[::1]:9000/{Bucket}/a.txt?", url, StringComparison.Ordinal);
        Assert.Contains("\nhost:[::1]:9000\n", trace.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public void Presign_NonUtcSigningTime_UsesUtcDate()
    {
        var trace = new SigV4SignatureTrace();
        var signedAt = new DateTimeOffset(2013, 5, 24, 8, 0, 0, TimeSpan.FromHours(9));

        new SigV4Presigner(s_address).Presign(Request("a.txt") with { SignedAt = signedAt }, TestCredentials.Permanent, trace);

        Assert.StartsWith("AWS4-HMAC-SHA256\n20130523T230000Z\n20130523/us-east-1/s3/aws4_request\n", trace.StringToSign, StringComparison.Ordinal);
    }

    [Fact]
    public void Presign_LongKeyAndToken_GrowsPastStackBuffer()
    {
        string key = string.Concat(Enumerable.Repeat("ü/", 600));
        var credentials = TestCredentials.Temporary with { SessionToken = new string('t', 3000) };

        string url = new SigV4Presigner(s_address).Presign(Request(key), credentials);

        Assert.Contains(string.Concat(Enumerable.Repeat("%C3%BC/", 600)), url, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Security-Token=" + credentials.SessionToken, url, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MalformedAddress_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new SigV4Presigner(s_address with { Region = "" }));
        Assert.Throws<ArgumentException>(() => new SigV4Presigner(s_address with { Bucket = "bucket?x" }));
        Assert.Throws<ArgumentException>(() => new SigV4Presigner(s_address with { Endpoint = new Uri("https://user:pw@s3.example") }));
        Assert.Throws<ArgumentNullException>(() => new SigV4Presigner(null!));
    }

    private static PresignRequest Request(string key) => new("GET", key, s_signedAt, TimeSpan.FromSeconds(600));
}
