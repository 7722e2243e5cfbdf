using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Authentication;

/// <summary>Signing keys come from the authority's metadata and JWKS when no keys are configured.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorityKeysTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Token_SignedWithKeyFromAuthorityJwks_IsAccepted()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "op-key-1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "op-key-1" });
        using var provider = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        var issuer = provider.Url!;
        provider.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($$"""{ "issuer": "{{issuer}}", "jwks_uri": "{{issuer}}/jwks" }"""));
        provider.Given(Request.Create().WithPath("/jwks").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($$"""{ "keys": [ { "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "op-key-1", "n": "{{jwk.N}}", "e": "{{jwk.E}}" } ] }"""));

        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Authentication:Jwt:Authority"] = issuer;
        overrides["Authentication:Jwt:RequireHttpsMetadata"] = "false";
        overrides["Authentication:Jwt:Issuer"] = issuer;
        var configDirectory = TestConfiguration.CopyToTemporaryDirectory();
        var gatewayJson = Path.Combine(configDirectory, "gateway.json");
        var settings = JsonNode.Parse(await File.ReadAllTextAsync(gatewayJson))!;
        settings["Authentication"]!["Jwt"]!.AsObject().Remove("SigningKeys");
        await File.WriteAllTextAsync(gatewayJson, settings.ToJsonString());
        overrides["GATEWAY_CONFIG_DIR"] = configDirectory;
        var claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };
        HttpResponseMessage accepted, hmacRefused;
        try
        {
            await using var gateway = await GatewayHost.StartAsync(overrides);
            accepted = await gateway.CreateClient(TestTokens.Create(claims, issuer: issuer, key: key, algorithm: SecurityAlgorithms.RsaSha256)).GetAsync("/files/acme/x.txt");
            hmacRefused = await gateway.CreateClient(TestTokens.Create(claims, issuer: issuer)).GetAsync("/files/acme/x.txt");
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
        }

        Assert.Equal(HttpStatusCode.Found, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hmacRefused.StatusCode);
        Assert.Contains(provider.LogEntries, entry => entry.RequestMessage.Path == "/jwks");
    }
}
