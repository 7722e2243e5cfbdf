using System.Net;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Redirect;

/// <summary>The download step through the real HTTP pipeline: 302, 400, 401, 403, 405 and proxy pass-through.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DownloadRedirectTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Fact]
    public async Task Get_AllowedCaller_RedirectsToSignedUrlForMappedKey()
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/files/acme/reports/q3.pdf");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(fixture.S3rver.Endpoint.Authority, location.Authority);
        Assert.Equal("http", location.Scheme);
        Assert.Equal("/demo/tenants/acme/reports/q3.pdf", location.AbsolutePath);
        var query = QueryOf(location);
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.Equal("300", query["X-Amz-Expires"]);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
        Assert.Matches("^[0-9a-f]{64}$", query["X-Amz-Signature"]);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Head_AllowedCaller_RedirectsWithSignatureForHead()
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/files/acme/a.txt"));
        using var get = await client.GetAsync("/files/acme/a.txt");

        Assert.Equal(HttpStatusCode.Found, head.StatusCode);
        Assert.NotEqual(QueryOf(get.Headers.Location!)["X-Amz-Signature"], QueryOf(head.Headers.Location!)["X-Amz-Signature"]);
    }

    [Fact]
    public async Task Get_CosRoute_RedirectsToCosHostWithRouteLifetime()
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/cos/acme/reports/q3%20final.pdf");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com", location.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/tenants/acme/reports/q3%20final.pdf", location.AbsolutePath);
        var query = QueryOf(location);
        Assert.Equal("sha1", query["q-sign-algorithm"]);
        var keyTime = query["q-key-time"].Split(';').Select(long.Parse).ToArray();
        Assert.Equal(600, keyTime[1] - keyTime[0]);
    }

    [Fact]
    public async Task Get_StoreWithPublicBaseUrl_LocationUsesPublicHostWithSameSignedPath()
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Gateway:Stores:demo-cos:PublicBaseUrl"] = "https://downloads.example.com";
        await using var gateway = await GatewayHost.StartAsync(overrides);
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/cos/acme/reports/q3.pdf");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("https://downloads.example.com/tenants/acme/reports/q3.pdf", response.Headers.Location!.GetLeftPart(UriPartial.Path));
        Assert.Equal("sha1", QueryOf(response.Headers.Location!)["q-sign-algorithm"]);
    }

    [Fact]
    public async Task Get_EncodedSlashInPath_IsKeptLiterallyNotDecodedTwice()
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/files/acme/a%2Fb%2525.txt");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        // %2F stays a literal "%2F" in the key and %25 decodes once to '%': both are encoded again in the URL.
        Assert.Equal("/demo/tenants/acme/a%252Fb%2525.txt", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Get_NoToken_Answers401WithChallengeAndNoLocation()
    {
        using var client = _gateway.CreateClient();

        using var response = await client.GetAsync("/files/acme/reports/q3.pdf");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task Get_InvalidToken_Answers401InvalidToken(string name, string token)
    {
        using var client = _gateway.CreateClient(token);

        using var response = await client.GetAsync("/files/acme/reports/q3.pdf");

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, name);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Null(response.Headers.Location);
    }

    public static TheoryData<string, string> InvalidTokens()
    {
        var claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };
        var otherKey = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[32]) { KeyId = "dev" };
        var now = DateTime.UtcNow;
        return new()
        {
            { "wrong issuer", TestTokens.Create(claims, issuer: "https://evil.invalid") },
            { "wrong audience", TestTokens.Create(claims, audience: "someone-else") },
            { "expired beyond skew", TestTokens.Create(claims, notBefore: now.AddMinutes(-10), expires: now.AddSeconds(-31)) },
            { "not yet valid", TestTokens.Create(claims, notBefore: now.AddMinutes(5), expires: now.AddMinutes(10)) },
            { "wrong key", TestTokens.Create(claims, key: otherKey) },
            { "alg none", TestTokens.Unsigned("alice", "acme") },
            { "garbage", "not-a-jwt" },
        };
    }

    [Theory]
    [InlineData("sub=mallory;tenant=globex;scope=storage:read", "/files/acme/reports/q3.pdf")]    // another tenant's file
    [InlineData("tenant=acme;scope=storage:read", "/files/acme/reports/q3.pdf")]                  // no subject: the route policy refuses
    [InlineData("sub=alice;tenant=acme;scope=storage:read", "/files/acme/reports/drafts/q4.pdf")] // a deny rule in its own tenant
    [InlineData("sub=alice;tenant=acme;scope=profile", "/files/acme/reports/q3.pdf")]             // neither the scope nor a group
    public async Task Get_RefusedCaller_Answers403ProblemWithoutLocation(string claims, string path)
    {
        using var client = _gateway.CreateClient(TestTokens.WithClaims(claims));

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_PublicPrefix_RedirectsAnonymousCaller()
    {
        using var client = _gateway.CreateClient();

        using var response = await client.GetAsync("/public/logo.png");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/demo/public/logo.png", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Get_OwnUserFolder_RedirectsOnlyItsOwner()
    {
        using var alice = _gateway.CreateClient(TestTokens.For("alice", "acme"));
        using var bob = _gateway.CreateClient(TestTokens.For("bob", "acme"));
        using var anonymous = _gateway.CreateClient();

        using var own = await alice.GetAsync("/users/alice/notes.txt");
        using var other = await bob.GetAsync("/users/alice/notes.txt");
        using var nobody = await anonymous.GetAsync("/users/alice/notes.txt");

        Assert.Equal(HttpStatusCode.Found, own.StatusCode);
        Assert.Equal("/demo/users/alice/notes.txt", own.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }

    [Theory]
    [InlineData("/files/acme/a%5Cb")]
    [InlineData("/files/acme/a%5cb")]
    [InlineData("/files/acme/a%01b")]
    [InlineData("/files/acme/a%0Ab")]
    [InlineData("/files/acme/a%0D%0ALocation:%20http://evil.invalid/")]
    [InlineData("/files/acme/a%7Fb")]
    [InlineData("/files/acme/a%C2%85b")]
    [InlineData("/files/acme/")]
    public async Task Get_UnsafeKey_Answers400ProblemWithoutLocation(string path)
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Get_NulInPath_IsRejectedByKestrelWith400()
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/files/acme/a%00b");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("/files/acme/a/%2e%2e/b")]
    [InlineData("/files/acme/a/%2E%2E/%2e%2e/b")]
    [InlineData("/files/acme/a/%2E/b")]
    [InlineData("/files/acme/../globex/b")]
    public async Task Get_DotSegments_AreResolvedBeforeRoutingAndNeverLeaveTheTenant(string path)
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync(path);

        // The path is normalised (by the client or by Kestrel) before routing: either it still names
        // an acme object, or it leaves the route and is refused. It never reaches another tenant.
        if (response.StatusCode == HttpStatusCode.Found)
        {
            var location = response.Headers.Location!.AbsolutePath;
            Assert.StartsWith("/demo/tenants/acme/", location, StringComparison.Ordinal);
            Assert.DoesNotContain(location.Split('/'), segment => segment is "." or ".." or "%2e%2e" or "%2E%2E");
        }
        else
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, response.StatusCode.ToString());
            Assert.Null(response.Headers.Location);
        }
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task OtherMethod_OnDownloadRoute_Answers405(string method)
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/files/acme/reports/q3.pdf"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Get_PublicProxyRoute_IsProxiedToBackend()
    {
        using var client = _gateway.CreateClient();

        using var response = await client.GetAsync("/api/public/status");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(GatewayFixture.BackendBody, await response.Content.ReadAsStringAsync());
        Assert.Contains(fixture.Backend.LogEntries, entry => entry.RequestMessage.Path == "/api/public/status");
    }

    [Fact]
    public async Task Get_ProxyRouteWithoutPolicy_IsDeniedByDefault()
    {
        using var anonymous = _gateway.CreateClient();
        using var signedIn = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var denied = await anonymous.GetAsync("/api/private/data");
        using var allowed = await signedIn.GetAsync("/api/private/data");

        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownPath_Answers404()
    {
        using var client = _gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/nothing/here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    internal static Dictionary<string, string> QueryOf(Uri uri) =>
        uri.Query.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => Uri.UnescapeDataString(pair[1]), StringComparer.Ordinal);
}
