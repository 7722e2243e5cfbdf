using Gateway.Configuration;
using Gateway.Routing;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Tests.Routing;

public sealed class DownloadPathResolverTests
{
    private static readonly DownloadPathResolver Resolver = new(
        [new RouteConfig
        {
            RouteId = "files",
            ClusterId = "s3",
            Match = new RouteMatch { Path = "/files/{tenant}/{**path}" },
            Metadata = new Dictionary<string, string> { [DownloadMetadata.Store] = "s3", [DownloadMetadata.KeyTemplate] = "tenants/{tenant}/{path}" },
        }],
        new GatewayOptions { Stores = new() { ["s3"] = new StoreOptions { Provider = "s3", Bucket = "demo", Region = "us-east-1" } } });

    [Theory]
    [InlineData("/files/acme/a%00b")]
    [InlineData("/files/ac%00me/x")]
    [InlineData("/files/acme/%c3%00")]
    [InlineData("/files/acme/%%00")]
    [InlineData("/files/acme/%e0%80%00")]
    public void Resolve_EncodedNul_ReachesNoRouteInsteadOfThrowing(string rawPath) =>
        Assert.Null(Resolver.Resolve(rawPath));

    [Theory]
    [InlineData("/files/acme/a%2500b", "tenants/acme/a%00b")]
    [InlineData("/files/acme/%c0%ae%c0%ae/x", "tenants/acme/%c0%ae%c0%ae/x")]
    [InlineData("/files/acme/a%20b/%E4%B8%AD", "tenants/acme/a b/中")]
    public void Resolve_PercentSequences_AreDecodedOnce(string rawPath, string key) =>
        Assert.Equal(key, Resolver.Resolve(rawPath)?.ObjectKey);

    [Theory]
    [InlineData("/files/acme/%2e%2e/x")]
    [InlineData("/files/acme/a/%2E/b")]
    [InlineData("/files/acme/a%5Cb")]
    [InlineData("/files/acme/a%0Ab")]
    public void Resolve_DecodedToAnUnsafeKey_GivesTheRouteAndAReason(string rawPath)
    {
        ResolvedDownload? resolved = Resolver.Resolve(rawPath);

        Assert.NotNull(resolved);
        Assert.Null(resolved.ObjectKey);
        Assert.False(string.IsNullOrEmpty(resolved.KeyError));
    }
}
