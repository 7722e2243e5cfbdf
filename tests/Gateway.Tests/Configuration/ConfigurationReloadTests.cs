using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Configuration;

/// <summary>
/// A configuration file removed or broken while the gateway runs leaves the last good configuration in force, with
/// an error logged; a good edit afterwards is still picked up.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ConfigurationReloadTests(GatewayFixture fixture) : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private string _configDirectory = "";
    private GatewayHost? _gateway;

    private string ProxyJson => Path.Combine(_configDirectory, "proxy.json");

    private string GatewayJson => Path.Combine(_configDirectory, "gateway.json");

    private string EnvironmentJson => Path.Combine(_configDirectory, $"gateway.{GatewayHost.TestEnvironment}.json");

    public async Task InitializeAsync()
    {
        _configDirectory = TestConfiguration.CopyToTemporaryDirectory();
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["GATEWAY_CONFIG_DIR"] = _configDirectory;
        _gateway = await GatewayHost.StartAsync(overrides, services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        Directory.Delete(_configDirectory, recursive: true);
    }

    [Fact]
    public async Task ProxyFile_BrokenThenRemovedThenFixed_RoutesStayUntilTheGoodEdit()
    {
        var original = await File.ReadAllTextAsync(ProxyJson);
        Assert.Equal(HttpStatusCode.Found, await StatusAsync("/files/acme/reload/a.txt"));

        await TestConfiguration.ReplaceAsync(ProxyJson, "{ \"ReverseProxy\": { \"Routes\": ");
        await WaitForLogAsync("The configuration file proxy.json was rejected; its last good version stays in force. Error: not valid JSON at line 1");
        Assert.Equal(HttpStatusCode.Found, await StatusAsync("/files/acme/reload/b.txt"));

        File.Delete(ProxyJson);
        await WaitForLogAsync("The configuration file proxy.json was removed; its last good version stays in force.");
        Assert.Equal(HttpStatusCode.Found, await StatusAsync("/files/acme/reload/c.txt"));

        // A good edit is applied again: a new route appears.
        var fixedSettings = JsonNode.Parse(original)!;
        fixedSettings["ReverseProxy"]!["Routes"]!["reloaded-files"] = JsonNode.Parse("""
            { "ClusterId": "demo-s3", "AuthorizationPolicy": "download", "Match": { "Path": "/reloaded/{tenant}/{**path}" },
              "Metadata": { "Download.Store": "demo-s3", "Download.Key": "tenants/{tenant}/{path}" } }
            """);
        await TestConfiguration.ReplaceAsync(ProxyJson, fixedSettings.ToJsonString());
        await Eventually.HoldsAsync(async () => await StatusAsync("/reloaded/acme/d.txt") == HttpStatusCode.Found, "The good edit was not applied.");
        Assert.Equal(HttpStatusCode.Found, await StatusAsync("/files/acme/reload/e.txt"));
    }

    [Fact]
    public async Task RouteEdit_ThatYarpRefuses_KeepsTheLastGoodRoutesWhole()
    {
        var original = await File.ReadAllTextAsync(ProxyJson);
        var edited = JsonNode.Parse(original)!;
        var routes = edited["ReverseProxy"]!["Routes"]!;
        routes["tenant-files"]!["Metadata"]!["Download.Store"] = "nowhere";
        routes["added-files"] = JsonNode.Parse("""
            { "ClusterId": "demo-s3", "AuthorizationPolicy": "download", "Match": { "Path": "/added/{tenant}/{**path}" },
              "Metadata": { "Download.Store": "demo-s3", "Download.Key": "tenants/{tenant}/{path}" } }
            """);

        await TestConfiguration.ReplaceAsync(ProxyJson, edited.ToJsonString());
        await WaitForLogAsync("Failed to apply the new config."); // YARP's error; the exception names the route

        Assert.Equal(HttpStatusCode.Found, await StatusAsync("/files/acme/reload/h.txt"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/added/acme/h.txt"));
        await TestConfiguration.ReplaceAsync(ProxyJson, original);
    }

    [Fact]
    public async Task GatewayFile_WithDuplicateKeys_IsRejectedNamingTheKeyNotItsValue()
    {
        var original = await File.ReadAllTextAsync(GatewayJson);
        var broken = original.Replace("\"Gateway\": {", "\"Gateway\": {\n    \"DefaultUrlLifetime\": \"00:01:00\",\n    \"DefaultUrlLifetime\": \"00:02:00\",", StringComparison.Ordinal);
        Assert.NotEqual(original, broken);

        await TestConfiguration.ReplaceAsync(GatewayJson, broken);
        await WaitForLogAsync("The configuration file gateway.json was rejected");

        Assert.Equal(HttpStatusCode.Found, await StatusAsync("/files/acme/reload/f.txt"));
        var logged = _logs.Messages.Where(message => message.Contains("gateway.json was rejected", StringComparison.Ordinal)).ToList();
        Assert.Contains(logged, message => message.Contains("Gateway:DefaultUrlLifetime", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, message => message.Contains("00:02:00", StringComparison.Ordinal));
        await TestConfiguration.ReplaceAsync(GatewayJson, original);
    }

    [Fact]
    public async Task BrokenFile_ErrorNeverQuotesItsContent()
    {
        // The environment's own file, which holds the secrets, keeps its last good content like any other.
        var original = await File.ReadAllTextAsync(EnvironmentJson);
        var broken = original.Replace("\"test-cos-secret-of-the-gateway-suite\"", "test-cos-secret-of-the-gateway-suite", StringComparison.Ordinal);
        Assert.NotEqual(original, broken);
        await TestConfiguration.ReplaceAsync(EnvironmentJson, broken);
        await WaitForLogAsync($"The configuration file gateway.{GatewayHost.TestEnvironment}.json was rejected");

        Assert.Equal(HttpStatusCode.Found, await StatusAsync("/cos/acme/reload/g.txt"));
        Assert.DoesNotContain(_logs.Messages, message => message.Contains("test-cos-secret", StringComparison.Ordinal) || message.Contains("'t'", StringComparison.Ordinal));
        await TestConfiguration.ReplaceAsync(EnvironmentJson, original);
    }

    private async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var client = _gateway!.CreateClient(TestTokens.For("alice", "acme"));
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    private Task WaitForLogAsync(string text) =>
        Eventually.HoldsAsync(() => _logs.Messages.Any(message => message.Contains(text, StringComparison.Ordinal)), $"No log said '{text}'.");
}
