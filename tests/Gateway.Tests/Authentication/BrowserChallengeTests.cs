using System.Net;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Authentication;

/// <summary>The sign-in redirect a browser gets: code + PKCE, a local callback, and forwarded headers only from trusted proxies.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BrowserChallengeTests(GatewayFixture fixture) : IDisposable
{
    private readonly WireMockServer _provider = StartProvider();

    public void Dispose() => _provider.Dispose();

    [Fact]
    public async Task Navigation_WithoutSession_RedirectsToProviderWithPkceAndLocalCallback()
    {
        await using var gateway = await StartGatewayAsync(trustLoopbackProxy: false);
        using var response = await NavigateAsync(gateway, forwarded: false);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(_provider.Url + "/authorize", location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        // Query is the default for the code flow, so the handler may leave response_mode out; never form_post.
        Assert.True(!query.TryGetValue("response_mode", out var mode) || mode == "query", $"response_mode={mode}");
        Assert.Equal(new Uri(gateway.Address, "/signin-oidc").ToString(), query["redirect_uri"]);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.All(cookies, cookie => Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase));
        Assert.All(cookies, cookie => Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Navigation_ForwardedHeadersFromUntrustedPeer_AreIgnored()
    {
        await using var gateway = await StartGatewayAsync(trustLoopbackProxy: false);
        using var response = await NavigateAsync(gateway, forwarded: true);

        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal(new Uri(gateway.Address, "/signin-oidc").ToString(), query["redirect_uri"]);
    }

    [Fact]
    public async Task Navigation_ForwardedHeadersFromTrustedProxy_GiveThePublicCallbackUrl()
    {
        await using var gateway = await StartGatewayAsync(trustLoopbackProxy: true);
        using var response = await NavigateAsync(gateway, forwarded: true);

        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("https://downloads.example.com/signin-oidc", query["redirect_uri"]);
    }

    [Fact]
    public async Task SignInCallback_WithARememberedBearerToken_IsTheOpenIdConnectHandlers()
    {
        await using var gateway = await StartGatewayAsync(trustLoopbackProxy: false);
        using var client = gateway.CreateClient(TestTokens.For("callback-alice", "acme"));
        using var remembered = await client.GetAsync("/files/acme/reports/q3.pdf");

        // A callback without the handler's state: the handler answers it, as it would without the token.
        using var callback = await client.GetAsync("/signin-oidc?code=made-up");
        using var anonymous = await gateway.CreateClient().GetAsync("/signin-oidc?code=made-up");

        Assert.Equal(HttpStatusCode.Found, remembered.StatusCode);
        Assert.Equal(anonymous.StatusCode, callback.StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, callback.StatusCode);
    }

    private static async Task<HttpResponseMessage> NavigateAsync(GatewayHost gateway, bool forwarded)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/acme/reports/q3.pdf");
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        if (forwarded)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-Host", "downloads.example.com");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        }

        return await client.SendAsync(request);
    }

    private Task<GatewayHost> StartGatewayAsync(bool trustLoopbackProxy)
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Authentication:Oidc:Authority"] = _provider.Url;
        overrides["Authentication:Oidc:RequireHttpsMetadata"] = "false";
        overrides["Authentication:Oidc:ClientId"] = "gateway";
        if (trustLoopbackProxy)
        {
            overrides["Gateway:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        }

        return GatewayHost.StartAsync(overrides);
    }

    private static WireMockServer StartProvider()
    {
        var provider = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        var issuer = provider.Url!;
        provider.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($$"""
                {
                  "issuer": "{{issuer}}",
                  "authorization_endpoint": "{{issuer}}/authorize",
                  "token_endpoint": "{{issuer}}/token",
                  "jwks_uri": "{{issuer}}/jwks",
                  "end_session_endpoint": "{{issuer}}/logout",
                  "response_types_supported": ["code"],
                  "code_challenge_methods_supported": ["S256"]
                }
                """));
        provider.Given(Request.Create().WithPath("/jwks").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{ "keys": [] }"""));
        return provider;
    }
}
