using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Authentication;

/// <summary><c>/signout</c> exists only when browser sign-in is on: with sign-in off there is no session to end.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SignOutEndpointTests(GatewayFixture fixture) : IAsyncLifetime
{
    private GatewayHost? _gateway;

    public async Task InitializeAsync()
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Authentication:Oidc:Authority"] = "";
        _gateway = await GatewayHost.StartAsync(overrides);
    }

    public async Task DisposeAsync() => await _gateway!.DisposeAsync();

    [Theory]
    [InlineData("GET", "/signout", true, HttpStatusCode.NotFound)]
    [InlineData("POST", "/signout", true, HttpStatusCode.NotFound)]
    [InlineData("GET", "/signout?returnUrl=/files/acme/a.txt", true, HttpStatusCode.NotFound)]
    // Without a token too, like any path the gateway does not serve: there is nothing to sign in for.
    [InlineData("GET", "/signout", false, HttpStatusCode.NotFound)]
    [InlineData("POST", "/signout", false, HttpStatusCode.NotFound)]
    [InlineData("GET", "/signed-out", false, HttpStatusCode.NotFound)]
    public async Task SignOut_WithBrowserSignInOff_IsNotMapped(string method, string target, bool withToken, HttpStatusCode expected)
    {
        using var client = _gateway!.CreateClient(withToken ? TestTokens.For("alice", "acme") : null);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), target) { Content = method == "POST" ? new ByteArrayContent([]) : null });
        using var unmapped = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/no-such-endpoint") { Content = method == "POST" ? new ByteArrayContent([]) : null });

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(unmapped.StatusCode, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Downloads_WithBrowserSignInOff_StillWork()
    {
        using var client = _gateway!.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/files/acme/a.txt");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }
}
