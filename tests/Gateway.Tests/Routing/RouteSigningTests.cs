using System.Net;
using Gateway.Cdn;
using Gateway.RateLimiting;
using Gateway.Redirect;
using Gateway.Routing;
using Gateway.Stores;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Tests.Routing;

/// <summary>A route's CDN (<c>Download.Cdn</c>, <c>Download.CdnClientAddress</c>) and COS bandwidth cap (<c>Download.TrafficLimit</c>).</summary>
public sealed class RouteSigningTests
{
    private static readonly DownloadRouteContext Context = DownloadRouteContext.From(
        new DownloadRouteOptions(),
        new StoresOptions
        {
            Stores = new()
            {
                ["cos"] = new StoreOptions { Provider = StoreProvider.Cos, Bucket = "b-1250000000", Region = "ap-guangzhou" },
                ["cos-cdn"] = new StoreOptions { Provider = StoreProvider.Cos, Bucket = "b-1250000000", Region = "ap-guangzhou", Cdn = "tencent" },
                ["s3"] = new StoreOptions { Provider = StoreProvider.S3, Bucket = "b", Region = "r" },
            },
        },
        new RateLimitOptions(),
        new CdnOptions
        {
            Cdns = new()
            {
                ["tencent"] = new CdnSignerOptions { Kind = CdnKind.TencentA },
                ["cf"] = new CdnSignerOptions { Kind = CdnKind.Cloudfront },
            },
        });

    [Theory]
    [InlineData("819200")]
    [InlineData("1048576")]
    [InlineData("838860800")]
    public void Compile_TrafficLimitInCosRange_IsSignedParameter(string limit)
    {
        var route = Compile("cos", new() { [DownloadMetadata.TrafficLimit] = limit }, out var errors);

        Assert.Empty(errors);
        Assert.Equal(new KeyValuePair<string, string>("x-cos-traffic-limit", limit), route!.Signing!.TrafficLimit);
    }

    [Theory]
    [InlineData("819199")]
    [InlineData("838860801")]
    [InlineData("0")]
    [InlineData("-1048576")]
    [InlineData("1e6")]
    [InlineData(" 1048576")]
    [InlineData("fast")]
    public void Compile_TrafficLimitOutOfRangeOrNotANumber_IsRefusedNamingTheSetting(string limit)
    {
        Compile("cos", new() { [DownloadMetadata.TrafficLimit] = limit }, out var errors);

        var error = Assert.Single(errors);
        Assert.Contains("Download.TrafficLimit", error, StringComparison.Ordinal);
        Assert.Contains("819200", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TrafficLimitOnS3Store_IsRefused()
    {
        Compile("s3", new() { [DownloadMetadata.TrafficLimit] = "1048576" }, out var errors);

        Assert.Contains("not a 'cos' store", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TrafficLimitWithCdn_IsRefused()
    {
        Compile("cos-cdn", new() { [DownloadMetadata.TrafficLimit] = "1048576" }, out var errors);

        Assert.Contains("Download.Cdn", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_StoreCdn_IsTheDefaultAndNoneTurnsItOff()
    {
        Assert.Equal("tencent", Compile("cos-cdn", [], out _)!.Signing!.Cdn);
        Assert.Null(Compile("cos-cdn", new() { [DownloadMetadata.Cdn] = "none" }, out _)!.Signing);
        Assert.Equal("cf", Compile("cos-cdn", new() { [DownloadMetadata.Cdn] = "cf" }, out _)!.Signing!.Cdn);
    }

    [Theory]
    [InlineData("missing", null, null, "must name a CDN")]
    [InlineData("cf", DownloadMetadata.Mode, "proxy", "proxy")]
    [InlineData("tencent", DownloadMetadata.Disposition, "attachment", "does not sign the query")]
    [InlineData("tencent", DownloadMetadata.CdnClientAddress, "true", "needs a CloudFront CDN")]
    [InlineData("cf", DownloadMetadata.CdnClientAddress, "yes", "Download.CdnClientAddress")]
    public void Compile_CdnSettingsThatCannotWork_AreRefused(string cdn, string? setting, string? value, string message)
    {
        var metadata = new Dictionary<string, string> { [DownloadMetadata.Cdn] = cdn };
        if (setting is not null)
        {
            metadata[setting] = value!;
        }

        Compile("cos", metadata, out var errors);

        Assert.Contains(message, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_CloudFrontBoundToCaller_CarriesIt()
    {
        var route = Compile("s3", new() { [DownloadMetadata.Cdn] = "cf", [DownloadMetadata.CdnClientAddress] = "true", [DownloadMetadata.Disposition] = "attachment" }, out var errors);

        Assert.Empty(errors);
        Assert.True(route!.Signing!.CdnClientAddress);
    }

    [Theory]
    [InlineData("203.0.113.77", 24, "203.0.113.0/24")]
    [InlineData("203.0.113.77", 32, "203.0.113.77/32")]
    [InlineData("198.51.100.200", 25, "198.51.100.128/25")]
    [InlineData("::ffff:192.0.2.9", 16, "192.0.0.0/16")]
    [InlineData("2001:db8::1", 32, null)]
    [InlineData("::1", 32, null)]
    public void Ipv4Range_CallersAddress_IsItsNetworkOrNullForIpv6(string address, int prefix, string? expected) =>
        Assert.Equal(expected, LinkIssuer.Ipv4Range(IPAddress.Parse(address), prefix));

    private static DownloadRoute? Compile(string store, Dictionary<string, string> metadata, out List<string> errors)
    {
        metadata[DownloadMetadata.Store] = store;
        metadata[DownloadMetadata.KeyTemplate] = "tenants/{tenant}/{path}";
        errors = [];
        return DownloadRouteCompiler.Compile(
            new RouteConfig { RouteId = "r1", ClusterId = store, Match = new RouteMatch { Path = "/files/{tenant}/{**path}" }, Metadata = metadata },
            Context,
            errors);
    }
}
