using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Authorization;

/// <summary>A deny on a path holds for every spelling that routing sends to the same route: routing ignores letter case in literals.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PathRuleLetterCaseTests(GatewayFixture fixture) : IAsyncLifetime
{
    private readonly string _configDirectory = TestConfiguration.CopyToTemporaryDirectory();
    private GatewayHost? _gateway;

    public async Task InitializeAsync()
    {
        // The committed rules plus a deny on a path.
        var rulesFile = Path.Combine(_configDirectory, "rules", "access.json");
        var rules = JsonNode.Parse(await File.ReadAllTextAsync(rulesFile))!;
        rules["rules"]!.AsArray().Add(JsonNode.Parse("""{ "id": "no-secret-folders", "effect": "deny", "paths": ["/files/*/secret/**"] }"""));
        await File.WriteAllTextAsync(rulesFile, rules.ToJsonString());

        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["GATEWAY_CONFIG_DIR"] = _configDirectory;
        _gateway = await GatewayHost.StartAsync(overrides);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        Directory.Delete(_configDirectory, recursive: true);
    }

    [Theory]
    [InlineData("/files/acme/secret/x.pdf", HttpStatusCode.Forbidden)]
    [InlineData("/FILES/acme/secret/x.pdf", HttpStatusCode.Forbidden)]
    [InlineData("/Files/acme/secret/x.pdf", HttpStatusCode.Forbidden)]
    [InlineData("/fiLES/acme/Secret/x.pdf", HttpStatusCode.Forbidden)]
    // The route is the same one, and the tenant's other folders stay open in any spelling.
    [InlineData("/FILES/acme/public/x.pdf", HttpStatusCode.Found)]
    public async Task Get_DeniedPathInAnotherLetterCase_IsStillDenied(string path, HttpStatusCode expected)
    {
        using var client = _gateway!.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.Found, response.Headers.Location is not null);
    }
}
