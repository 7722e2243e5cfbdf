using System.Globalization;
using System.Net;
using Gateway.Hosting;
using Gateway.Tests.Infrastructure;
using Gateway.TestSupport;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Metrics;

/// <summary>The optional Prometheus scrape endpoint: absent when off, confined to its port or its policy when on.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PrometheusEndpointTests
{
    private static readonly string AdminToken = TestTokens.WithClaims("sub=ops;roles=gateway-admin");

    [Fact]
    public async Task ScrapeEndpoint_Off_Is404()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>());
        using var client = gateway.CreateClient(AdminToken);
        await DownloadAsync(gateway);

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ScrapeEndpoint_OwnPort_ServesTheGatewayMetersThereAndNothingElse()
    {
        var port = LoopbackPort.Free();
        var scrape = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Metrics:Prometheus:Enabled"] = "true",
            ["Gateway:Metrics:Prometheus:ListenUrl"] = scrape.ToString(),
        });
        await DownloadAsync(gateway);
        using var anonymous = new HttpClient { BaseAddress = scrape };

        using var metrics = await anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("gateway_download_decisions_total{", text, StringComparison.Ordinal);
        Assert.Contains("gateway_reason=\"rule-allow\"", text, StringComparison.Ordinal);
        Assert.Contains("gateway_signing_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_count{", text, StringComparison.Ordinal);

        // The gateway's own port has no scrape path, and the scrape port serves nothing but it.
        using var admin = gateway.CreateClient(AdminToken);
        using var onGatewayPort = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, onGatewayPort.StatusCode);
        using var download = new HttpRequestMessage(HttpMethod.Get, "/files/acme/reports/q3.txt") { Headers = { Authorization = new("Bearer", TestTokens.For("alice", "acme")) } };
        using var downloadOnScrapePort = await anonymous.SendAsync(download);
        Assert.Equal(HttpStatusCode.NotFound, downloadOnScrapePort.StatusCode);
        using var healthOnScrapePort = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.NotFound, healthOnScrapePort.StatusCode);
    }

    [Fact]
    public async Task ScrapeEndpoint_Policy_AdmitsOnlyCallersItAccepts()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Metrics:Prometheus:Enabled"] = "true",
            ["Gateway:Metrics:Prometheus:Policy"] = "gateway-admin",
            ["Gateway:Metrics:Prometheus:Path"] = "/internal/metrics",
        });
        await DownloadAsync(gateway);

        using var anonymous = await gateway.CreateClient().GetAsync("/internal/metrics");
        using var user = await gateway.CreateClient(TestTokens.For("alice", "acme")).GetAsync("/internal/metrics");
        using var admin = await gateway.CreateClient(AdminToken).GetAsync("/internal/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("gateway_download_decisions_total{", await admin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, string?, string> InvalidSettings => new()
    {
        // Enabled, ListenUrl, Policy, the setting the error must name.
        { "true", null, null, "Gateway:Metrics:Prometheus" },
        { "true", null, "nowhere", "Gateway:Metrics:Prometheus:Policy" },
        { "true", "https://0.0.0.0:9464", null, "Gateway:Metrics:Prometheus:ListenUrl" },
        { "true", "http://0.0.0.0", null, "Gateway:Metrics:Prometheus:ListenUrl" },
        { "true", "http://0.0.0.0:9464/metrics", null, "Gateway:Metrics:Prometheus:ListenUrl" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Start_InvalidPrometheusSettings_FailsNamingTheSetting(string enabled, string? listenUrl, string? policy, string setting)
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Metrics:Prometheus:Enabled"] = enabled,
            ["Gateway:Metrics:Prometheus:ListenUrl"] = listenUrl,
            ["Gateway:Metrics:Prometheus:Policy"] = policy,
        }));

        Assert.Contains(setting + ":", error.Message, StringComparison.Ordinal);
        if (policy is not null)
        {
            Assert.DoesNotContain(policy, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Start_ScrapePortIsTheGatewayPort_FailsNamingTheSetting()
    {
        var port = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture);

        var error = Assert.ThrowsAny<OptionsValidationException>(() => GatewayApp.Create(
            ["--urls", $"http://127.0.0.1:{port}", "--environment", GatewayHost.TestEnvironment],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:Metrics:Prometheus:Enabled"] = "true",
                ["Gateway:Metrics:Prometheus:ListenUrl"] = $"http://0.0.0.0:{port}",
            })));

        Assert.Contains("Gateway:Metrics:Prometheus:ListenUrl:", error.Message, StringComparison.Ordinal);
    }

    private static async Task DownloadAsync(GatewayHost gateway)
    {
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));
        using var response = await client.GetAsync("/files/acme/reports/q3.txt");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }
}
