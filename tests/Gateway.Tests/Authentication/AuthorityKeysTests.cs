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

/// <summary>
/// Signing keys come from the authority's metadata and JWKS when no keys are configured; unknown <c>kid</c>s refresh
/// them at most once per interval, and keys already fetched keep working while the authority is unreachable.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorityKeysTests(GatewayFixture fixture)
{
    private const string JwksPath = "/jwks";
    private const string DownloadPath = "/files/acme/x.txt";

    [Fact]
    public async Task Token_SignedWithKeyFromAuthorityJwks_IsAccepted()
    {
        await using var authority = await AuthorityGateway.StartAsync(fixture, keyRefreshInterval: "00:05:00");

        using var accepted = await authority.SendAsync(authority.Token(authority.Key));
        using var hmacRefused = await authority.SendAsync(TestTokens.Create(Claims, issuer: authority.Issuer));

        Assert.Equal(HttpStatusCode.Found, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hmacRefused.StatusCode);
        Assert.True(authority.JwksRequests >= 1);
    }

    [Fact]
    public async Task FloodOfUnknownKeyIds_RefreshesTheKeysAtMostOncePerInterval()
    {
        await using var authority = await AuthorityGateway.StartAsync(fixture, keyRefreshInterval: "00:05:00");
        using (var first = await authority.SendAsync(authority.Token(authority.Key)))
        {
            Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        }

        using var stranger = RSA.Create(2048);
        for (var i = 0; i < 40; i++)
        {
            using var refused = await authority.SendAsync(authority.Token(new RsaSecurityKey(stranger) { KeyId = $"made-up-{i}" }));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await Task.Delay(500); // a refresh runs in the background; give a second one the chance to show up
        Assert.InRange(authority.JwksRequests, 1, 2);
        using var stillAccepted = await authority.SendAsync(authority.Token(authority.Key));
        Assert.Equal(HttpStatusCode.Found, stillAccepted.StatusCode);
    }

    [Fact]
    public async Task RotatedKey_IsPickedUpOnceTheIntervalHasPassed()
    {
        await using var authority = await AuthorityGateway.StartAsync(fixture, keyRefreshInterval: "00:00:01");
        using (var first = await authority.SendAsync(authority.Token(authority.Key)))
        {
            Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        }

        using var rotated = RSA.Create(2048);
        var rotatedKey = new RsaSecurityKey(rotated) { KeyId = "op-key-2" };
        authority.ServeKeys(authority.Key, rotatedKey);

        Assert.Equal(HttpStatusCode.Found, await authority.EventuallyAsync(authority.Token(rotatedKey), HttpStatusCode.Found));
    }

    [Fact]
    public async Task AuthorityUnreachable_KeysAlreadyFetchedKeepWorking()
    {
        await using var authority = await AuthorityGateway.StartAsync(fixture, keyRefreshInterval: "00:00:01");
        using (var first = await authority.SendAsync(authority.Token(authority.Key)))
        {
            Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        }

        authority.Fail();
        using var stranger = RSA.Create(2048);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (authority.FailedRequests < 2 && DateTime.UtcNow < deadline)
        {
            // Each unknown kid asks for a refresh (at most one a second), and each refresh fails.
            using var refused = await authority.SendAsync(authority.Token(new RsaSecurityKey(stranger) { KeyId = "made-up" }));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            await Task.Delay(300);
        }

        using var accepted = await authority.SendAsync(authority.Token(authority.Key));

        Assert.True(authority.FailedRequests >= 2, "The gateway should have tried, and failed, to refresh the keys.");
        Assert.Equal(HttpStatusCode.Found, accepted.StatusCode);
    }

    private static Dictionary<string, object> Claims => new() { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };

    /// <summary>A WireMock identity provider serving metadata and a JWKS, and a gateway taking its keys from it only.</summary>
    private sealed class AuthorityGateway : IAsyncDisposable
    {
        private readonly RSA _rsa = RSA.Create(2048);
        private readonly WireMockServer _provider = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        private string? _configDirectory;
        private GatewayHost? _gateway;

        private AuthorityGateway() => Key = new RsaSecurityKey(_rsa) { KeyId = "op-key-1" };

        public RsaSecurityKey Key { get; }

        public string Issuer => _provider.Url!;

        public int JwksRequests => _provider.LogEntries.Count(entry => entry.RequestMessage.Path == JwksPath);

        public int FailedRequests => _provider.LogEntries.Count(entry => entry.ResponseMessage.StatusCode is int status && status >= 500);

        public static async Task<AuthorityGateway> StartAsync(GatewayFixture fixture, string keyRefreshInterval)
        {
            var authority = new AuthorityGateway();
            authority.ServeMetadata();
            authority.ServeKeys(authority.Key);

            var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
            overrides["Authentication:Jwt:Authority"] = authority.Issuer;
            overrides["Authentication:Jwt:RequireHttpsMetadata"] = "false";
            overrides["Authentication:Jwt:Issuer"] = authority.Issuer;
            overrides["Authentication:Jwt:KeyRefreshInterval"] = keyRefreshInterval;

            // Keys from the authority only: the committed HMAC development key is removed.
            authority._configDirectory = TestConfiguration.CopyToTemporaryDirectory();
            var gatewayJson = Path.Combine(authority._configDirectory, "gateway.json");
            var settings = JsonNode.Parse(await File.ReadAllTextAsync(gatewayJson))!;
            settings["Authentication"]!["Jwt"]!.AsObject().Remove("SigningKeys");
            await File.WriteAllTextAsync(gatewayJson, settings.ToJsonString());
            overrides["GATEWAY_CONFIG_DIR"] = authority._configDirectory;
            authority._gateway = await GatewayHost.StartAsync(overrides);
            return authority;
        }

        public string Token(SecurityKey key) => TestTokens.Create(Claims, issuer: Issuer, key: key, algorithm: SecurityAlgorithms.RsaSha256);

        public async Task<HttpResponseMessage> SendAsync(string token)
        {
            using var client = _gateway!.CreateClient(token);
            return await client.GetAsync(DownloadPath);
        }

        /// <summary>Sends the token until it gets <paramref name="expected"/> or 10 seconds pass; returns the last status.</summary>
        public async Task<HttpStatusCode> EventuallyAsync(string token, HttpStatusCode expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                using var response = await SendAsync(token);
                if (response.StatusCode == expected || DateTime.UtcNow > deadline)
                {
                    return response.StatusCode;
                }

                await Task.Delay(250);
            }
        }

        public void ServeKeys(params RsaSecurityKey[] keys)
        {
            var jwks = string.Join(",", keys.Select(key =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
                return $$"""{ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "{{jwk.Kid}}", "n": "{{jwk.N}}", "e": "{{jwk.E}}" }""";
            }));
            _provider.Given(Request.Create().WithPath(JwksPath).UsingGet())
                .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($$"""{ "keys": [ {{jwks}} ] }"""));
        }

        /// <summary>From now on the provider answers every request with 503.</summary>
        public void Fail()
        {
            _provider.ResetMappings();
            _provider.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(503));
        }

        public async ValueTask DisposeAsync()
        {
            if (_gateway is not null)
            {
                await _gateway.DisposeAsync();
            }

            _provider.Stop();
            _provider.Dispose();
            _rsa.Dispose();
            if (_configDirectory is not null)
            {
                Directory.Delete(_configDirectory, recursive: true);
            }
        }

        private void ServeMetadata() =>
            _provider.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
                .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                    .WithBody($$"""{ "issuer": "{{Issuer}}", "jwks_uri": "{{Issuer}}{{JwksPath}}" }"""));
    }
}
