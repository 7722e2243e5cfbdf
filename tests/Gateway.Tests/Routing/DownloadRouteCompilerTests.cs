using Gateway.RateLimiting;
using Gateway.Routing;
using Gateway.Stores;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Tests.Routing;

public sealed class DownloadRouteCompilerTests
{
    private static readonly DownloadRouteContext Options = DownloadRouteContext.From(
        new DownloadRouteOptions(),
        new StoresOptions { Stores = new() { ["s3"] = new StoreOptions { Provider = StoreProvider.S3, Bucket = "b", Region = "r" } } },
        new RateLimitOptions());

    private static RouteConfig Route(Dictionary<string, string> metadata, string path = "/files/{tenant}/{**path}", string? cluster = "s3") => new()
    {
        RouteId = "r1",
        ClusterId = cluster,
        Match = new RouteMatch { Path = path },
        Metadata = metadata,
    };

    [Fact]
    public void Compile_RouteWithoutStoreMetadata_IsNotADownloadRoute() =>
        Assert.Null(Compile(Route([]), Options));

    [Fact]
    public void Compile_ValidRoute_CarriesStoreTemplateAndLifetime()
    {
        var route = Compile(Route(new()
        {
            [DownloadMetadata.Store] = "s3",
            [DownloadMetadata.KeyTemplate] = "tenants/{tenant}/{path}",
            [DownloadMetadata.UrlLifetime] = "00:02:00",
        }), Options)!;

        Assert.Equal("s3", route.StoreName);
        Assert.Equal(TimeSpan.FromMinutes(2), route.UrlLifetime);
        Assert.Equal("tenants/{tenant}/{path}", route.KeyTemplate.Text);
    }

    [Theory]
    [InlineData("/files/{tenant}/{**path}", "tenants/{tenant}/{path}", "true", null)]
    [InlineData("/files/{tenant}/{**path}", "tenants/{tenant}/{path}", "yes", "must be 'true' or 'false'")]
    [InlineData("/files/{tenant}/{path}", "tenants/{tenant}/{path}", "true", "needs Match.Path to end with a catch-all")]
    [InlineData("/files/{**path}", "{path}.bin", "true", "needs Match.Path to end with a catch-all")]
    [InlineData("/files/{tenant}/{**path}", "tenants/{path}/{tenant}", "true", "needs Match.Path to end with a catch-all")]
    public void Compile_Listing_NeedsTheKeyToEndWithThePathsCatchAll(string path, string key, string listing, string? error)
    {
        var route = Route(new() { [DownloadMetadata.Store] = "s3", [DownloadMetadata.KeyTemplate] = key, [DownloadMetadata.Listing] = listing }, path);

        var errors = DownloadRouteCompiler.Validate(route, Options);

        if (error is null)
        {
            Assert.Empty(errors);
            Assert.True(Compile(route, Options)!.Listing);
        }
        else
        {
            Assert.Contains(errors, e => e.Contains("'Download.Listing' " + error, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(null, "signing")]
    [InlineData("", "signing")]
    [InlineData("strict", "strict")]
    [InlineData("Disable", null)]
    [InlineData("disable", null)]
    public void Compile_RateLimiterPolicy_IsTheRoutesOwnTheDefaultOrNone(string? configured, string? expected)
    {
        var options = Options with
        {
            RateLimits = new() { Policies = new() { ["signing"] = new(), ["strict"] = new() } },
        };
        var route = Route(new() { [DownloadMetadata.Store] = "s3", [DownloadMetadata.KeyTemplate] = "tenants/{tenant}/{path}" }) with
        {
            RateLimiterPolicy = configured,
        };

        Assert.Equal(expected, Compile(route, options)!.RateLimitPolicy);
    }

    [Fact]
    public void Validate_UnknownRateLimiterPolicy_IsAnError()
    {
        var route = Route(new() { [DownloadMetadata.Store] = "s3", [DownloadMetadata.KeyTemplate] = "tenants/{tenant}/{path}" }) with
        {
            RateLimiterPolicy = "nowhere",
        };

        var error = Assert.Single(DownloadRouteCompiler.Validate(route, Options));
        Assert.StartsWith("RateLimiterPolicy must name a policy", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NoLifetime_UsesDefault() =>
        Assert.Equal(Options.DefaultUrlLifetime, Compile(Route(new()
        {
            [DownloadMetadata.Store] = "s3",
            [DownloadMetadata.KeyTemplate] = "{path}",
        }), Options)!.UrlLifetime);

    [Fact]
    public void Validate_EveryProblem_IsReportedByName()
    {
        var errors = DownloadRouteCompiler.Validate(Route(new()
        {
            [DownloadMetadata.Store] = "missing",
            [DownloadMetadata.KeyTemplate] = "tenants/{org}/{path}",
            [DownloadMetadata.UrlLifetime] = "8.00:00:00",
        }, cluster: null), Options);

        Assert.Contains(errors, e => e.Contains(DownloadMetadata.Store, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ClusterId", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("{org}", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(DownloadMetadata.UrlLifetime, StringComparison.Ordinal));
        Assert.Equal(4, errors.Count);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("7.00:00:01")]
    [InlineData("soon")]
    public void Validate_LifetimeOutOfRange_IsAnError(string lifetime) =>
        Assert.Single(DownloadRouteCompiler.Validate(Route(new()
        {
            [DownloadMetadata.Store] = "s3",
            [DownloadMetadata.KeyTemplate] = "{path}",
            [DownloadMetadata.UrlLifetime] = lifetime,
        }), Options));

    [Fact]
    public void Compile_InvalidRoute_ReportsTheSettingAndGivesNoRoute()
    {
        var errors = new List<string>();

        var route = DownloadRouteCompiler.Compile(
            Route(new() { [DownloadMetadata.Store] = "s3", [DownloadMetadata.KeyTemplate] = "../{path}" }), Options, errors);

        Assert.Null(route);
        Assert.Contains(DownloadMetadata.KeyTemplate, Assert.Single(errors), StringComparison.Ordinal);
    }

    private static DownloadRoute? Compile(RouteConfig route, DownloadRouteContext options)
    {
        var errors = new List<string>();
        var compiled = DownloadRouteCompiler.Compile(route, options, errors);
        Assert.Empty(errors);
        return compiled;
    }
}
