using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Authentication;

/// <summary>
/// Signing keys come from the authority's metadata and JWKS when no keys are configured; unknown <c>kid</c>s refresh
/// them at most once per interval, a key the JWKS drops is refused once it is fetched again, and keys already fetched
/// keep working while the authority is unreachable.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorityKeysTests(GatewayFixture fixture)
{
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

        await Eventually.HoldsAsync(
            async () => await authority.StatusAsync(authority.Token(rotatedKey)) == HttpStatusCode.Found, "The rotated key was never picked up.");
    }

    [Fact]
    public async Task KeyDroppedFromTheJwks_ItsTokenIsRefusedAfterTheRefetch()
    {
        await using var authority = await AuthorityGateway.StartAsync(fixture, keyRefreshInterval: "00:00:01");
        var dropped = authority.Token(authority.Key);
        for (var i = 0; i < 2; i++)
        {
            // The second time from the validated-token cache.
            Assert.Equal(HttpStatusCode.Found, await authority.StatusAsync(dropped));
        }

        using var next = RSA.Create(2048);
        var nextKey = new RsaSecurityKey(next) { KeyId = "op-key-2" };
        authority.ServeKeys(nextKey);

        // A token with the new key's kid makes the gateway fetch the JWKS again.
        await Eventually.HoldsAsync(
            async () => await authority.StatusAsync(authority.Token(nextKey)) == HttpStatusCode.Found, "The JWKS was never fetched again.");

        Assert.Equal(HttpStatusCode.Unauthorized, await authority.StatusAsync(dropped));
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

        // Each unknown kid asks for a refresh (at most one a second), and each refresh fails.
        await Eventually.HoldsAsync(
            async () => await authority.StatusAsync(authority.Token(new RsaSecurityKey(stranger) { KeyId = "made-up" })) == HttpStatusCode.Unauthorized
                && authority.FailedRequests >= 2,
            "The gateway never tried, twice, to refresh the keys.");

        using var accepted = await authority.SendAsync(authority.Token(authority.Key));

        Assert.Equal(HttpStatusCode.Found, accepted.StatusCode);
    }

    private static Dictionary<string, object> Claims => new() { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };

    /// <summary>An identity provider stand-in, and a gateway taking its keys from it only.</summary>
    private sealed class AuthorityGateway : IAsyncDisposable
    {
        private readonly RSA _rsa = RSA.Create(2048);
        private readonly IdentityProviderStandIn _provider;
        private string? _configDirectory;
        private GatewayHost? _gateway;

        private AuthorityGateway()
        {
            Key = new RsaSecurityKey(_rsa) { KeyId = "op-key-1" };
            _provider = new IdentityProviderStandIn(Key);
        }

        public RsaSecurityKey Key { get; }

        public string Issuer => _provider.Issuer;

        public int JwksRequests => _provider.JwksRequests;

        public int FailedRequests => _provider.FailedRequests;

        public static async Task<AuthorityGateway> StartAsync(GatewayFixture fixture, string keyRefreshInterval)
        {
            var authority = new AuthorityGateway();
            var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
            foreach (var (key, value) in authority._provider.GatewaySettings())
            {
                overrides[key] = value;
            }

            overrides["Authentication:Jwt:KeyRefreshInterval"] = keyRefreshInterval;

            // Keys from the authority only: the test environment's HMAC key is removed.
            authority._configDirectory = TestConfiguration.CopyToTemporaryDirectory();
            var environmentJson = Path.Combine(authority._configDirectory, $"gateway.{GatewayHost.TestEnvironment}.json");
            var settings = JsonNode.Parse(await File.ReadAllTextAsync(environmentJson))!;
            Assert.True(settings["Authentication"]!["Jwt"]!.AsObject().Remove("SigningKeys"));
            await File.WriteAllTextAsync(environmentJson, settings.ToJsonString());
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

        public async Task<HttpStatusCode> StatusAsync(string token)
        {
            using var response = await SendAsync(token);
            return response.StatusCode;
        }

        public void ServeKeys(params RsaSecurityKey[] keys) => _provider.ServeKeys(keys);

        public void Fail() => _provider.Fail();

        public async ValueTask DisposeAsync()
        {
            if (_gateway is not null)
            {
                await _gateway.DisposeAsync();
            }

            _provider.Dispose();
            _rsa.Dispose();
            if (_configDirectory is not null)
            {
                Directory.Delete(_configDirectory, recursive: true);
            }
        }
    }
}
