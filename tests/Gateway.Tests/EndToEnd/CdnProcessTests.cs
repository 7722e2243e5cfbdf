using System.Net;
using System.Security.Cryptography;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// The published gateway as a process, its CDN keys given as a deployment gives them: the Tencent key in an environment
/// variable, the CloudFront key in a mounted file. Links go to the CDN hosts, the audit log names the signer and holds
/// no key or signature, and a bad key file stops start-up naming the setting.
/// </summary>
public sealed class CdnProcessTests : IDisposable
{
    private const string TencentKey = "processTestCdnKey77";
    private readonly string _keyFile = Path.GetTempFileName();

    public void Dispose() => File.Delete(_keyFile);

    [Fact]
    public async Task Published_CdnKeysFromEnvironmentAndFile_RedirectToCdnHostsAndAuditTheSigner()
    {
        using var rsa = RSA.Create(2048);
        await File.WriteAllTextAsync(_keyFile, rsa.ExportPkcs8PrivateKeyPem());
        await using var gateway = await GatewayProcess.StartAsync(Settings());
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For("alice", "acme"));

        using var tencent = await client.GetAsync("/cos/acme/reports/q3.pdf");
        using var cloudFront = await client.GetAsync("/cf/acme/reports/q3.pdf");

        Assert.Equal(HttpStatusCode.Found, tencent.StatusCode);
        var tencentLink = tencent.Headers.Location!;
        Assert.Equal("https://cdn-d.example.com/tenants/acme/reports/q3.pdf", tencentLink.GetLeftPart(UriPartial.Path));
        Assert.Matches("^\\?sign=[0-9a-f]{32}&t=[0-9a-f]{8}$", tencentLink.Query);
        Assert.Equal(HttpStatusCode.Found, cloudFront.StatusCode);
        var cloudFrontLink = cloudFront.Headers.Location!;
        Assert.Equal("https://d111111abcdef8.cloudfront.net/tenants/acme/reports/q3.pdf", cloudFrontLink.GetLeftPart(UriPartial.Path));
        Assert.Matches("^\\?Expires=[0-9]+&Key-Pair-Id=K2JCJMDEHXQW5F&Signature=[A-Za-z0-9~_-]+$", cloudFrontLink.Query);

        await Eventually.HoldsAsync(
            () => gateway.Output.Contains("signed by tencent-cdn-d", StringComparison.Ordinal) && gateway.Output.Contains("signed by cloudfront", StringComparison.Ordinal),
            "The audit log names both signers.");
        Assert.DoesNotContain(TencentKey, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature=", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(tencentLink.Query[6..38], gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Published_CloudFrontKeyFileNotAKey_StopsStartUpNamingTheSetting()
    {
        await File.WriteAllTextAsync(_keyFile, "-----BEGIN PRIVATE KEY-----\nbm90LWEta2V5LWF0LWFsbA==\n-----END PRIVATE KEY-----\n");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync(Settings()));

        Assert.Contains("Gateway:Cdns:edge-cf:PrivateKeyFile", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bm90LWEta2V5", error.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Gateway:Cdns:edge-d:Kind"] = "tencent-d",
        ["Gateway:Cdns:edge-d:BaseUrl"] = "https://cdn-d.example.com",
        ["Gateway:Cdns:edge-d:AuthKey"] = TencentKey,
        ["Gateway:Cdns:edge-d:Validity"] = "01:00:00",
        ["Gateway:Cdns:edge-d:HexTimestamp"] = "true",
        ["Gateway:Cdns:edge-cf:Kind"] = "cloudfront",
        ["Gateway:Cdns:edge-cf:BaseUrl"] = "https://d111111abcdef8.cloudfront.net",
        ["Gateway:Cdns:edge-cf:KeyPairId"] = "K2JCJMDEHXQW5F",
        ["Gateway:Cdns:edge-cf:PrivateKeyFile"] = _keyFile,
        ["Gateway:Stores:demo-cos:Cdn"] = "edge-d",
        ["ReverseProxy:Routes:cf:ClusterId"] = "demo-cos",
        ["ReverseProxy:Routes:cf:AuthorizationPolicy"] = "download",
        ["ReverseProxy:Routes:cf:Match:Path"] = "/cf/{tenant}/{**path}",
        ["ReverseProxy:Routes:cf:Metadata:Download.Store"] = "demo-cos",
        ["ReverseProxy:Routes:cf:Metadata:Download.Key"] = "tenants/{tenant}/{path}",
        ["ReverseProxy:Routes:cf:Metadata:Download.Cdn"] = "edge-cf",
    };
}
