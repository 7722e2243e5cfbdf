using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Redirect;

/// <summary>
/// A batch item is routed by the application's own endpoint routing, on the batch request's host and headers: a route's
/// Hosts, Headers and precedence count exactly as for a direct request, and every item's refusal is audited.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BatchPipelineTests(GatewayFixture fixture) : IAsyncLifetime
{
    private readonly AuditSpanRecorder _audit = new();
    private string _configDirectory = "";
    private GatewayHost? _gateway;

    private GatewayHost Gateway => _gateway!;

    public async Task InitializeAsync()
    {
        _configDirectory = TestConfiguration.CopyToTemporaryDirectory();
        var rulesPath = Path.Combine(_configDirectory, "rules", "access.json");
        var rules = JsonNode.Parse(await File.ReadAllTextAsync(rulesPath))!;
        // Globex's portal is only served on globex's host, which is the boundary: anyone signed in there may read it.
        rules["rules"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "globex-portal", "effect": "allow", "routes": [ "globex-portal" ], "keys": [ "tenants/globex/**" ], "when": { "authenticated": true } }
            """));
        await File.WriteAllTextAsync(rulesPath, rules.ToJsonString());

        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["GATEWAY_CONFIG_DIR"] = _configDirectory;
        GatewayFixture.AddDownloadRoute(overrides, "globex-portal", "/portal/{**path}", "tenants/globex/{path}");
        overrides["ReverseProxy:Routes:globex-portal:Match:Hosts:0"] = "globex.example";
        GatewayFixture.AddDownloadRoute(overrides, "eu-files", "/regional/{tenant}/{**path}", "tenants/{tenant}/eu/{path}");
        overrides["ReverseProxy:Routes:eu-files:Match:Headers:0:Name"] = "X-Region";
        overrides["ReverseProxy:Routes:eu-files:Match:Headers:0:Values:0"] = "eu";
        // More literal segments than tenant-files, so routing prefers it for these paths whatever the order in the file.
        GatewayFixture.AddDownloadRoute(overrides, "tenant-special", "/files/{tenant}/special/{**path}", "tenants/{tenant}/special-route/{path}");
        GatewayFixture.AddDownloadRoute(overrides, "admin-files", "/admin-files/{tenant}/{**path}", "tenants/{tenant}/{path}");
        overrides["ReverseProxy:Routes:admin-files:AuthorizationPolicy"] = "gateway-admin";
        GatewayFixture.AddDownloadRoute(overrides, "limited-files", "/limited/{tenant}/{**path}", "tenants/{tenant}/{path}");
        overrides["ReverseProxy:Routes:limited-files:RateLimiterPolicy"] = "one-per-hour";
        overrides["Gateway:RateLimits:Policies:one-per-hour:PerSubject:Permits"] = "1";
        overrides["Gateway:RateLimits:Policies:one-per-hour:PerSubject:Burst"] = "1";
        overrides["Gateway:RateLimits:Policies:one-per-hour:PerSubject:Period"] = "01:00:00";
        _gateway = await GatewayHost.StartAsync(overrides);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _audit.Dispose();
        Directory.Delete(_configDirectory, recursive: true);
    }

    [Fact]
    public async Task Batch_HostConstrainedRoute_OnlyOnItsHostAsForADirectRequest()
    {
        using var client = Gateway.CreateClient(TestTokens.For("mallory", "acme"));

        using var direct = await client.GetAsync("/portal/plans.pdf");
        var onOurHost = await BatchAsync(client, null, "/portal/plans.pdf");
        using var directOnItsHost = await client.SendAsync(WithHost(new HttpRequestMessage(HttpMethod.Get, "/portal/plans.pdf"), "globex.example"));
        var onItsHost = await BatchAsync(client, "globex.example", "/portal/plans.pdf");

        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);
        Assert.Equal(404, ItemStatus(onOurHost[0]));
        Assert.False(onOurHost[0].TryGetProperty("url", out _));
        Assert.Equal(HttpStatusCode.Found, directOnItsHost.StatusCode);
        Assert.Equal("/demo/tenants/globex/plans.pdf", new Uri(onItsHost[0].GetProperty("url").GetString()!).AbsolutePath);
    }

    [Fact]
    public async Task Batch_HeaderConstrainedRoute_MatchesOnlyWithTheHeader()
    {
        using var client = Gateway.CreateClient(TestTokens.For("alice", "acme"));

        var without = await BatchAsync(client, null, "/regional/acme/a.pdf");
        client.DefaultRequestHeaders.Add("X-Region", "eu");
        var with = await BatchAsync(client, null, "/regional/acme/a.pdf");
        using var direct = await client.GetAsync("/regional/acme/a.pdf");

        Assert.Equal(404, ItemStatus(without[0]));
        Assert.Equal("/demo/tenants/acme/eu/a.pdf", new Uri(with[0].GetProperty("url").GetString()!).AbsolutePath);
        Assert.Equal("/demo/tenants/acme/eu/a.pdf", direct.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Batch_OverlappingRoutes_TakesTheRouteRoutingPrefers()
    {
        using var client = Gateway.CreateClient(TestTokens.For("alice", "acme"));

        var items = await BatchAsync(client, null, "/files/acme/special/a.pdf", "/files/acme/plain/a.pdf");
        using var direct = await client.GetAsync("/files/acme/special/a.pdf");

        Assert.Equal("/demo/tenants/acme/special-route/a.pdf", direct.Headers.Location!.AbsolutePath);
        Assert.Equal("/demo/tenants/acme/special-route/a.pdf", new Uri(items[0].GetProperty("url").GetString()!).AbsolutePath);
        Assert.Equal("/demo/tenants/acme/plain/a.pdf", new Uri(items[1].GetProperty("url").GetString()!).AbsolutePath);
    }

    [Fact]
    public async Task Batch_EveryRefusedItem_IsAuditedWithItsReason()
    {
        var subject = "carol" + Guid.NewGuid().ToString("N");
        using var client = Gateway.CreateClient(TestTokens.For(subject, "acme"));
        string[] paths = ["/files/acme/batch-audit/a%5Cb", "/files/globex/batch-audit/x.pdf", "/files/acme/drafts/batch-audit.pdf", "/admin-files/acme/batch-audit.pdf", "/limited/acme/batch-audit/1.pdf", "/limited/acme/batch-audit/2.pdf"];

        var items = await BatchAsync(client, null, paths);

        Assert.Equal([400, 403, 403, 403, 0, 429], items.Select(ItemStatus));
        string[] reasons = ["invalid-key", "default-deny", "rule-deny", "policy", "rule-allow", "rate-limited"];
        for (var i = 0; i < paths.Length; i++)
        {
            var span = Assert.Single(_audit.Spans, span => (string?)span.GetTagItem(AuditTags.UrlPath) == Uri.UnescapeDataString(paths[i])
                && (string?)span.GetTagItem(AuditTags.Subject) == subject);
            Assert.Equal(reasons[i], span.GetTagItem(AuditTags.Reason));
        }
    }

    private static async Task<List<JsonElement>> BatchAsync(HttpClient client, string? host, params string[] paths)
    {
        using var request = WithHost(new HttpRequestMessage(HttpMethod.Post, "/links") { Content = JsonContent.Create(new { paths }) }, host);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("results").EnumerateArray().Select(item => item.Clone())];
    }

    private static int ItemStatus(JsonElement item) => item.TryGetProperty("error", out var error) ? error.GetProperty("status").GetInt32() : 0;

    private static HttpRequestMessage WithHost(HttpRequestMessage request, string? host)
    {
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return request;
    }
}
