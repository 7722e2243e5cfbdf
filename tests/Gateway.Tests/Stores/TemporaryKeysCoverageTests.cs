using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Stores;

/// <summary>
/// Temporary keys are requested for the key prefixes the routes reach at start-up. A route added at runtime inside
/// them is served; one outside them is refused loudly, naming the route and the setting, and the last good routes stay.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TemporaryKeysCoverageTests(GatewayFixture fixture) : IAsyncLifetime
{
    private readonly WireMockServer _sts = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly CapturingLoggerProvider _logs = new();
    private string _configDirectory = "";
    private GatewayHost? _gateway;

    private string ProxyJson => Path.Combine(_configDirectory, "proxy.json");

    public async Task InitializeAsync()
    {
        var expiration = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        _sts.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithHeader("Content-Type", "text/xml").WithBody($"""
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
            <AccessKeyId>S3RVER</AccessKeyId><SecretAccessKey>temporary-aws-secret</SecretAccessKey><SessionToken>aws-session-token</SessionToken>
            <Expiration>{expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
            """));
        _configDirectory = TestConfiguration.CopyToTemporaryDirectory();
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["GATEWAY_CONFIG_DIR"] = _configDirectory;
        overrides["Gateway:Stores:demo-s3:Credentials:Source"] = "aws-sts";
        overrides["Gateway:Stores:demo-s3:Credentials:Sts:Endpoint"] = _sts.Url + "/";
        overrides["Gateway:Stores:demo-s3:Credentials:Sts:RoleArn"] = "arn:aws:iam::123456789012:role/gateway-reader";
        _gateway = await GatewayHost.StartAsync(overrides, services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _sts.Stop();
        Directory.Delete(_configDirectory, recursive: true);
    }

    [Fact]
    public async Task RouteAddedAtRuntime_OutsideTheKeysPolicy_IsRefusedNamingRouteAndSetting()
    {
        var original = await File.ReadAllTextAsync(ProxyJson);
        var edited = JsonNode.Parse(original)!;
        edited["ReverseProxy"]!["Routes"]!["archive-files"] = Route("/archive/{**path}", "archive/{path}");
        await TestConfiguration.ReplaceAsync(ProxyJson, edited.ToJsonString());

        await Eventually.HoldsAsync(
            () => _logs.Messages.Any(message => message.Contains("Route 'archive-files'", StringComparison.Ordinal) && message.Contains("Download.Key", StringComparison.Ordinal)),
            "The refused route was not named in the log.");
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/archive/x.txt"));
        Assert.Equal(HttpStatusCode.Found, await StatusAsync("/files/acme/coverage/x.txt"));
        await TestConfiguration.ReplaceAsync(ProxyJson, original);
    }

    [Fact]
    public async Task RouteAddedAtRuntime_InsideTheKeysPolicy_IsServed()
    {
        var original = await File.ReadAllTextAsync(ProxyJson);
        var edited = JsonNode.Parse(original)!;
        edited["ReverseProxy"]!["Routes"]!["tenant-reports"] = Route("/reports/{tenant}/{**path}", "tenants/{tenant}/reports/{path}");
        await TestConfiguration.ReplaceAsync(ProxyJson, edited.ToJsonString());

        await Eventually.HoldsAsync(async () => await StatusAsync("/reports/acme/q3.pdf") == HttpStatusCode.Found, "The covered route was not served.");
        await TestConfiguration.ReplaceAsync(ProxyJson, original);
    }

    private static JsonNode Route(string path, string key) => JsonNode.Parse($$"""
        { "ClusterId": "demo-s3", "AuthorizationPolicy": "download", "Match": { "Path": "{{path}}" },
          "Metadata": { "Download.Store": "demo-s3", "Download.Key": "{{key}}" } }
        """)!;

    private async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var client = _gateway!.CreateClient(TestTokens.For("alice", "acme"));
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }
}
