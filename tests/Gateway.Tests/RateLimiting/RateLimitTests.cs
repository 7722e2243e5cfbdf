using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.RateLimiting;

/// <summary>
/// Signing is limited per subject and per client address with ASP.NET Core rate limiting, per route: 429 with
/// Retry-After and problem+json once a bucket is empty. Buckets refill once an hour here, so nothing refills mid-test;
/// each test uses its own subjects so that the tests sharing the gateway do not drain each other's buckets.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RateLimitTests(GatewayFixture fixture) : IAsyncLifetime
{
    private const int Burst = 3;

    private readonly WireMockServer _collector = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private GatewayHost? _gateway;

    private GatewayHost Gateway => _gateway!;

    public async Task InitializeAsync()
    {
        var overrides = LimitedOverrides();
        _collector.Given(Request.Create().WithPath("/v1/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        overrides["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Url;
        overrides["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        overrides["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
        _gateway = await GatewayHost.StartAsync(overrides);
    }

    /// <summary>
    /// The committed configuration with small limits: the default policy holds <see cref="Burst"/> per subject, the
    /// public route's own policy <see cref="Burst"/> per address, and the user route turns limiting off.
    /// </summary>
    private Dictionary<string, string?> LimitedOverrides()
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = "1";
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Period"] = "01:00:00";
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Burst"] = $"{Burst}";
        overrides["Gateway:RateLimits:Policies:signing:PerClientIp:Burst"] = "1000000";
        overrides["Gateway:RateLimits:Policies:signing:PerClientIp:Permits"] = "1000000";
        overrides["Gateway:RateLimits:Policies:per-address:PerClientIp:Permits"] = "1";
        overrides["Gateway:RateLimits:Policies:per-address:PerClientIp:Period"] = "01:00:00";
        overrides["Gateway:RateLimits:Policies:per-address:PerClientIp:Burst"] = $"{Burst}";
        overrides["ReverseProxy:Routes:public-files:RateLimiterPolicy"] = "per-address";
        overrides["ReverseProxy:Routes:user-files:RateLimiterPolicy"] = "Disable";
        return overrides;
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _collector.Stop();
        _collector.Dispose();
    }

    [Fact]
    public async Task Subject_OverItsBurst_Gets429WithRetryAfter_WhileOthersOnTheSameAddressGoOn()
    {
        using var first = Gateway.CreateClient(TestTokens.For("rl-subject-1", "acme"));
        for (var i = 0; i < Burst; i++)
        {
            using var allowed = await first.GetAsync($"/files/acme/limited/{i}.txt");
            Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        }

        using var limited = await first.GetAsync("/files/acme/limited/over.txt");
        using var other = await Gateway.CreateClient(TestTokens.For("rl-subject-2", "acme")).GetAsync("/files/acme/limited/other.txt");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Null(limited.Headers.Location);
        var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    [Fact]
    public async Task Subject_LimitCoversEveryDownloadRouteOfThePolicy()
    {
        using var client = Gateway.CreateClient(TestTokens.For("rl-subject-3", "acme"));
        for (var i = 0; i < Burst; i++)
        {
            using var allowed = await client.GetAsync(i % 2 == 0 ? $"/files/acme/mixed/{i}.txt" : $"/cos/acme/mixed/{i}.txt");
            Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        }

        using var limited = await client.GetAsync("/cos/acme/mixed/over.txt");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    [Fact]
    public async Task ClientAddress_OverItsBurst_Gets429WhoeverAsks()
    {
        using var anonymous = Gateway.CreateClient();
        for (var i = 0; i < Burst; i++)
        {
            using var allowed = await anonymous.GetAsync($"/public/logo-{i}.png");
            Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        }

        using var limited = await anonymous.GetAsync("/public/logo-over.png");
        using var signedIn = await Gateway.CreateClient(TestTokens.For("rl-subject-4", "acme")).GetAsync("/public/logo-signed-in.png");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.TooManyRequests, signedIn.StatusCode);
    }

    [Fact]
    public async Task Browser_OverTheLimit_GetsAPageForPeople_WhateverItsForwardedAddress()
    {
        using var browser = Gateway.CreateClient();
        HttpResponseMessage? response = null;
        for (var i = 0; i <= Burst; i++)
        {
            response?.Dispose();
            using var navigation = new HttpRequestMessage(HttpMethod.Get, $"/public/page-{i}.png");
            navigation.Headers.Add("Sec-Fetch-Mode", "navigate");
            navigation.Headers.Add("Accept", "text/html");
            // A new forwarded address each time buys no new bucket: forwarded headers count only from trusted proxies.
            navigation.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            response = await browser.SendAsync(navigation);
        }

        using var limited = response!;
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("text/html", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Contains("Wait a moment", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BehindATrustedProxy_EachForwardedClientHasItsOwnBucket()
    {
        var overrides = LimitedOverrides();
        overrides["Gateway:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        await using var behindProxy = await GatewayHost.StartAsync(overrides);
        using var proxy = behindProxy.CreateClient();

        async Task<HttpStatusCode> AsClient(string address, int i)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/public/proxied-{i}.png");
            request.Headers.Add("X-Forwarded-For", address);
            using var response = await proxy.SendAsync(request);
            return response.StatusCode;
        }

        var first = new List<HttpStatusCode>();
        for (var i = 0; i <= Burst; i++)
        {
            first.Add(await AsClient("203.0.113.1", i));
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Redirect, Burst), HttpStatusCode.TooManyRequests], first);
        Assert.Equal(HttpStatusCode.Redirect, await AsClient("203.0.113.2", 0));
        Assert.Equal(HttpStatusCode.Redirect, await AsClient("2001:db8:1:2::1", 0));
        Assert.Equal(HttpStatusCode.Redirect, await AsClient("2001:db8:1:2::2", 1));
        Assert.Equal(HttpStatusCode.Redirect, await AsClient("2001:db8:1:2::3", 2));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AsClient("2001:db8:1:2:ffff::4", 3)); // one /64, one bucket
    }

    [Fact]
    public async Task Route_ThatDisablesLimiting_IsNotLimited()
    {
        using var client = Gateway.CreateClient(TestTokens.For("rl-subject-5", "acme"));
        for (var i = 0; i < Burst * 3; i++)
        {
            using var response = await client.GetAsync($"/users/rl-subject-5/unlimited-{i}.txt");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
    }

    [Fact]
    public async Task Batch_CountsOneSignaturePerLink()
    {
        using var client = Gateway.CreateClient(TestTokens.For("rl-subject-6", "acme"));
        string[] paths = [.. Enumerable.Range(0, Burst + 2).Select(i => $"/files/acme/batch-limited/{i}.txt"), "/users/rl-subject-6/free.txt"];

        using var response = await client.PostAsJsonAsync("/links", new { paths });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.All(results.Take(Burst), result => Assert.True(result.TryGetProperty("url", out _)));
        Assert.All(results.Skip(Burst).Take(2), result => Assert.Equal(429, result.GetProperty("error").GetProperty("status").GetInt32()));
        Assert.True(results[^1].TryGetProperty("url", out _), "A route that disables limiting is not limited in a batch either.");
    }

    [Fact]
    public async Task Rejections_AreCountedPerPolicyInExportedMetrics()
    {
        using var client = Gateway.CreateClient(TestTokens.For("rl-subject-8", "acme"));
        for (var i = 0; i <= Burst; i++)
        {
            using var response = await client.GetAsync($"/files/acme/metered/{i}.txt");
        }

        // ASP.NET Core's own rate-limiting meter, exported with the gateway's: requests per policy and result.
        await Eventually.HoldsAsync(
            () => SecretScan.Exported(_collector) is var exported
                && exported.Contains("aspnetcore.rate_limiting.requests", StringComparison.Ordinal)
                && exported.Contains("endpoint_limiter", StringComparison.Ordinal)
                && exported.Contains("signing", StringComparison.Ordinal),
            "No exported metric counted the rejection.");
    }

    [Fact]
    public async Task Rejection_IsAudited()
    {
        using var audit = new AuditSpanRecorder();
        using var client = Gateway.CreateClient(TestTokens.For("rl-subject-7", "acme"));
        for (var i = 0; i <= Burst; i++)
        {
            using var response = await client.GetAsync($"/files/acme/audited/{i}.txt");
        }

        var span = audit.For($"/files/acme/audited/{Burst}.txt");
        Assert.Equal("deny", span.GetTagItem(AuditTags.Decision));
        Assert.Equal("rate-limited", span.GetTagItem(AuditTags.Reason));
        Assert.Equal("rl-subject-7", span.GetTagItem(AuditTags.Subject));
    }
}
