using System.Security.Cryptography;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Cdn;

/// <summary>
/// A gateway with a download route for each CDN kind (Tencent A to D, CloudFront canned and bound to the caller's
/// range), the demo COS store's own CDN, and a COS route with a bandwidth cap. The CloudFront key is made here and read
/// from a file, as a mounted secret would be.
/// </summary>
public sealed class CdnGatewayFixture : IAsyncLifetime
{
    public const string TencentKey = "gatewayCdnTestKey42";
    public const string KeyPairId = "K2JCJMDEHXQW5F";
    public const int Validity = 1800;
    public const long TrafficLimit = 1_048_576;
    public const string CosSecret = "test-cos-secret-of-the-gateway-suite";

    private readonly string _keyFile = Path.GetTempFileName();

    public RSA CloudFrontKey { get; } = RSA.Create(2048);

    internal GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_keyFile, CloudFrontKey.ExportPkcs8PrivateKeyPem());
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Cdns:edge-cf:Kind"] = "cloudfront",
            ["Gateway:Cdns:edge-cf:BaseUrl"] = "https://d111111abcdef8.cloudfront.net",
            ["Gateway:Cdns:edge-cf:KeyPairId"] = KeyPairId,
            ["Gateway:Cdns:edge-cf:PrivateKeyFile"] = _keyFile,
            ["Gateway:Cdns:edge-cf:ClientAddressPrefix"] = "24",
            ["Gateway:Stores:demo-cos:Cdn"] = "edge-d",
        };
        foreach (var type in new[] { "a", "b", "c", "d" })
        {
            settings[$"Gateway:Cdns:edge-{type}:Kind"] = $"tencent-{type}";
            settings[$"Gateway:Cdns:edge-{type}:BaseUrl"] = $"https://cdn-{type}.example.com";
            settings[$"Gateway:Cdns:edge-{type}:AuthKey"] = TencentKey;
            settings[$"Gateway:Cdns:edge-{type}:Validity"] = TimeSpan.FromSeconds(Validity).ToString();
            Route(settings, $"cdn-{type}", $"edge-{type}");
        }

        Route(settings, "cdn-cf", "edge-cf");
        Route(settings, "cdn-cf-ip", "edge-cf");
        settings["ReverseProxy:Routes:cdn-cf-ip:Metadata:Download.CdnClientAddress"] = "true";
        Route(settings, "capped", "none");
        settings["ReverseProxy:Routes:capped:Metadata:Download.TrafficLimit"] = TrafficLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        CloudFrontKey.Dispose();
        File.Delete(_keyFile);
    }

    // Every route is on the demo COS store, whose own CDN (edge-d) the route's Download.Cdn replaces.
    private static void Route(Dictionary<string, string?> settings, string id, string cdn)
    {
        settings[$"ReverseProxy:Routes:{id}:ClusterId"] = "demo-cos";
        settings[$"ReverseProxy:Routes:{id}:Match:Path"] = $"/{id}/{{tenant}}/{{**path}}";
        settings[$"ReverseProxy:Routes:{id}:Metadata:Download.Store"] = "demo-cos";
        settings[$"ReverseProxy:Routes:{id}:Metadata:Download.Key"] = "tenants/{tenant}/{path}";
        settings[$"ReverseProxy:Routes:{id}:Metadata:Download.Cdn"] = cdn;
    }
}
