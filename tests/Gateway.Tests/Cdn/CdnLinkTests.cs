using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Cdn;

/// <summary>
/// Download routes signed for a CDN, through the real HTTP pipeline: each answers 302 to the CDN host with its
/// authentication recomputed here from the documented algorithms, expiring when the route's lifetime says, and the
/// audit names the signer. And the COS bandwidth cap, which the signature covers.
/// </summary>
public sealed class CdnLinkTests(CdnGatewayFixture fixture) : IClassFixture<CdnGatewayFixture>, IDisposable
{
    private const string Key = "tenants/acme/reports/q3 final.pdf";
    private const string EncodedPath = "/tenants/acme/reports/q3%20final.pdf";
    private const int RouteLifetime = 300;

    private readonly AuditSpanRecorder _audit = new();

    public void Dispose() => _audit.Dispose();

    [Fact]
    public async Task Get_TencentTypeA_RedirectsToCdnWithSignParameter()
    {
        var (location, now) = await RedirectAsync("/cdn-a/acme/reports/q3%20final.pdf");

        Assert.Equal("https://cdn-a.example.com" + EncodedPath, location.GetLeftPart(UriPartial.Path));
        var sign = Single(location, "sign").Split('-');
        Assert.Equal(4, sign.Length);
        Assert.Equal("0", sign[2]);
        Assert.Matches("^[A-Za-z0-9]{1,100}$", sign[1]);
        Assert.Equal(Md5($"{EncodedPath}-{sign[0]}-{sign[1]}-0-{CdnGatewayFixture.TencentKey}"), sign[3]);
        AssertExpiresAfterRouteLifetime(long.Parse(sign[0], CultureInfo.InvariantCulture) + CdnGatewayFixture.Validity, now);
        AssertSigner("/cdn-a/acme/reports/q3%20final.pdf", "tencent-cdn-a");
    }

    [Fact]
    public async Task Get_TencentTypeB_RedirectsToCdnWithTimestampAndHashInPath()
    {
        var (location, now) = await RedirectAsync("/cdn-b/acme/reports/q3%20final.pdf");

        Assert.Equal("https://cdn-b.example.com", location.GetLeftPart(UriPartial.Authority));
        var segments = location.AbsolutePath.Split('/', 4);
        var stamp = segments[1];
        Assert.Matches("^[0-9]{12}$", stamp);
        Assert.Equal(Md5(CdnGatewayFixture.TencentKey + stamp + EncodedPath), segments[2]);
        Assert.Equal(EncodedPath, "/" + segments[3]);
        Assert.Empty(location.Query);
        var beijing = DateTimeOffset.ParseExact(stamp + "+08:00", "yyyyMMddHHmmzzz", CultureInfo.InvariantCulture);
        // Minute precision: up to a minute shorter than asked, never longer.
        var expires = beijing.ToUnixTimeSeconds() + CdnGatewayFixture.Validity;
        Assert.InRange(expires - now.ToUnixTimeSeconds(), RouteLifetime - 62, RouteLifetime + 1);
        AssertSigner("/cdn-b/acme/reports/q3%20final.pdf", "tencent-cdn-b");
    }

    [Fact]
    public async Task Get_TencentTypeC_RedirectsToCdnWithHashAndHexTimestampInPath()
    {
        var (location, now) = await RedirectAsync("/cdn-c/acme/reports/q3%20final.pdf");

        Assert.Equal("https://cdn-c.example.com", location.GetLeftPart(UriPartial.Authority));
        var segments = location.AbsolutePath.Split('/', 4);
        Assert.Matches("^[0-9a-f]{8}$", segments[2]);
        Assert.Equal(Md5(CdnGatewayFixture.TencentKey + EncodedPath + segments[2]), segments[1]);
        Assert.Equal(EncodedPath, "/" + segments[3]);
        AssertExpiresAfterRouteLifetime(long.Parse(segments[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture) + CdnGatewayFixture.Validity, now);
        AssertSigner("/cdn-c/acme/reports/q3%20final.pdf", "tencent-cdn-c");
    }

    [Fact]
    public async Task Get_TencentTypeD_RedirectsToCdnWithSignAndTimestampParameters()
    {
        var (location, now) = await RedirectAsync("/cdn-d/acme/reports/q3%20final.pdf");

        Assert.Equal("https://cdn-d.example.com" + EncodedPath, location.GetLeftPart(UriPartial.Path));
        var stamp = Single(location, "t");
        Assert.Equal(Md5(CdnGatewayFixture.TencentKey + EncodedPath + stamp), Single(location, "sign"));
        AssertExpiresAfterRouteLifetime(long.Parse(stamp, CultureInfo.InvariantCulture) + CdnGatewayFixture.Validity, now);
        AssertSigner("/cdn-d/acme/reports/q3%20final.pdf", "tencent-cdn-d");
    }

    [Fact]
    public async Task Get_StoreWithCdn_RoutesWithoutTheirOwnUseIt()
    {
        // The committed tenant-files-cos route names no CDN; its store's Cdn is edge-d.
        var (location, _) = await RedirectAsync("/cos/acme/reports/q3%20final.pdf");

        Assert.Equal("https://cdn-d.example.com" + EncodedPath, location.GetLeftPart(UriPartial.Path));
        Assert.Equal(Md5(CdnGatewayFixture.TencentKey + EncodedPath + Single(location, "t")), Single(location, "sign"));
    }

    [Fact]
    public async Task Get_TencentCdnWithDownloadOption_IsRefusedBecauseTheQueryIsNotSigned()
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/cdn-a/acme/reports/q3.pdf?download=q3.pdf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid-options", _audit.For("/cdn-a/acme/reports/q3.pdf").GetTagItem(AuditTags.Reason));
    }

    [Fact]
    public async Task Get_CloudFrontCanned_SignatureVerifiesOverTheWholeUrlWithDownloadOption()
    {
        var (location, now) = await RedirectAsync("/cdn-cf/acme/reports/q3%20final.pdf?download=Q3.pdf");

        var url = location.OriginalString;
        Assert.StartsWith("https://d111111abcdef8.cloudfront.net" + EncodedPath + "?response-content-disposition=", url, StringComparison.Ordinal);
        Assert.Equal(CdnGatewayFixture.KeyPairId, Single(location, "Key-Pair-Id"));
        var expires = long.Parse(Single(location, "Expires"), CultureInfo.InvariantCulture);
        AssertExpiresAfterRouteLifetime(expires, now);
        var resource = url[..url.IndexOf("&Expires=", StringComparison.Ordinal)];
        var policy = $"{{\"Statement\":[{{\"Resource\":\"{resource}\",\"Condition\":{{\"DateLessThan\":{{\"AWS:EpochTime\":{expires}}}}}}}]}}";
        Assert.True(Verify(policy, Single(location, "Signature")));
        // The download option is inside the signed resource: a caller who changes it breaks the signature.
        Assert.False(Verify(policy.Replace("Q3.pdf", "Q4.pdf", StringComparison.Ordinal), Single(location, "Signature")));
        AssertSigner("/cdn-cf/acme/reports/q3%20final.pdf", "cloudfront");
    }

    [Fact]
    public async Task Get_CloudFrontBoundToCaller_SignsCustomPolicyWithCallersRange()
    {
        var (location, now) = await RedirectAsync("/cdn-cf-ip/acme/reports/q3%20final.pdf");

        Assert.Null(Optional(location, "Expires"));
        var policyText = Encoding.ASCII.GetString(FromCloudFrontBase64(Single(location, "Policy")));
        using var policy = JsonDocument.Parse(policyText);
        var statement = policy.RootElement.GetProperty("Statement")[0];
        Assert.Equal("https://d111111abcdef8.cloudfront.net" + EncodedPath, statement.GetProperty("Resource").GetString());
        var condition = statement.GetProperty("Condition");
        Assert.Equal("127.0.0.0/24", condition.GetProperty("IpAddress").GetProperty("AWS:SourceIp").GetString());
        AssertExpiresAfterRouteLifetime(condition.GetProperty("DateLessThan").GetProperty("AWS:EpochTime").GetInt64(), now);
        Assert.True(Verify(policyText, Single(location, "Signature")));
        Assert.False(Verify(policyText.Replace("127.0.0.0/24", "0.0.0.0/0", StringComparison.Ordinal), Single(location, "Signature")));
        AssertSigner("/cdn-cf-ip/acme/reports/q3%20final.pdf", "cloudfront");
    }

    [Fact]
    public async Task Get_TrafficLimit_IsASignedCosParameterThatCannotBeChangedOrStripped()
    {
        var (location, _) = await RedirectAsync("/capped/acme/reports/q3%20final.pdf");

        Assert.Equal("https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com" + EncodedPath, location.GetLeftPart(UriPartial.Path));
        Assert.Equal(CdnGatewayFixture.TrafficLimit.ToString(CultureInfo.InvariantCulture), Single(location, "x-cos-traffic-limit"));
        Assert.Equal("x-cos-traffic-limit", Single(location, "q-url-param-list"));
        var keyTime = Uri.UnescapeDataString(Single(location, "q-key-time"));
        var signature = Single(location, "q-signature");
        Assert.Equal(CosSignature(keyTime, "x-cos-traffic-limit=1048576"), signature);
        Assert.NotEqual(CosSignature(keyTime, "x-cos-traffic-limit=838860800"), signature);
        Assert.NotEqual(CosSignature(keyTime, ""), signature);
        AssertSigner("/capped/acme/reports/q3%20final.pdf", "cos");
    }

    private async Task<(Uri Location, DateTimeOffset SentAt)> RedirectAsync(string path)
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));
        var sentAt = DateTimeOffset.UtcNow;
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return (response.Headers.Location!, sentAt);
    }

    private void AssertSigner(string path, string signer)
    {
        var span = _audit.For(Uri.UnescapeDataString(path)); // url.path is the decoded path
        Assert.Equal("allow", span.GetTagItem(AuditTags.Decision));
        Assert.Equal(signer, span.GetTagItem(AuditTags.Signer));
        Assert.Equal(Key, span.GetTagItem(AuditTags.ObjectKey));
        // Never the CDN's key, nor a signature or the signed link.
        foreach (var (name, value) in span.Tags)
        {
            Assert.DoesNotContain(CdnGatewayFixture.TencentKey, value ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("signature", name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Signature=", value ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("q-signature", value ?? "", StringComparison.Ordinal);
        }
    }

    // The CDN accepts the link until the route's lifetime has passed (a second of slack for the request itself).
    private static void AssertExpiresAfterRouteLifetime(long expiresAt, DateTimeOffset sentAt) =>
        Assert.InRange(expiresAt - sentAt.ToUnixTimeSeconds(), RouteLifetime - 1, RouteLifetime + 1);

    private bool Verify(string policy, string signature) =>
        fixture.CloudFrontKey.VerifyData(Encoding.ASCII.GetBytes(policy), FromCloudFrontBase64(signature), HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);

    private static string CosSignature(string keyTime, string parameters)
    {
        var httpString = $"get\n{Uri.UnescapeDataString(EncodedPath)}\n{parameters}\nhost=examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com\n";
        var signKey = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(CdnGatewayFixture.CosSecret), Encoding.UTF8.GetBytes(keyTime)));
        var stringToSign = $"sha1\n{keyTime}\n{Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(httpString)))}\n";
        return Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.ASCII.GetBytes(signKey), Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Single(Uri location, string name) =>
        Optional(location, name) ?? throw new Xunit.Sdk.XunitException($"The Location has no '{name}' parameter.");

    private static string? Optional(Uri location, string name) =>
        location.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => p[1]).SingleOrDefault();

    private static byte[] FromCloudFrontBase64(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '=').Replace('~', '/'));

#pragma warning disable CA5351 // Tencent's algorithm, recomputed independently.
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(text)));
#pragma warning restore CA5351
}
