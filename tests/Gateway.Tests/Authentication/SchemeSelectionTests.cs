using System.Net;
using Gateway.Tests.Infrastructure;
using Gateway.TestSupport;

namespace Gateway.Tests.Authentication;

/// <summary>
/// One gateway with browser sign-in pointed at an identity provider that is not running: apps are unaffected,
/// XHR gets 401, and a person's browser gets a clear 503 page instead of a stack trace.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SchemeSelectionTests(GatewayFixture fixture) : IAsyncLifetime
{
    private GatewayHost? _gateway;

    private GatewayHost Gateway => _gateway!;

    public async Task InitializeAsync()
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Authentication:Oidc:Authority"] = $"http://127.0.0.1:{LoopbackPort.Free()}";
        overrides["Authentication:Oidc:RequireHttpsMetadata"] = "false";
        overrides["Authentication:Oidc:ClientId"] = "gateway";
        _gateway = await GatewayHost.StartAsync(overrides);
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    [Fact]
    public async Task BearerToken_WithBrowserSignInOn_StillRedirectsToStorage()
    {
        using var client = Gateway.CreateClient(TestTokens.For("alice", "acme"));
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        using var response = await client.GetAsync("/files/acme/a.txt");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(fixture.S3rver.Endpoint.Authority, response.Headers.Location!.Authority);
    }

    [Theory]
    [InlineData("application/json", null, null)]
    [InlineData("*/*", null, null)]
    [InlineData("text/html", "XMLHttpRequest", null)]
    [InlineData("text/html", null, "cors")]
    public async Task ApiOrXhrCall_WithoutCredentials_Gets401NeverTheIdentityProvider(string accept, string? requestedWith, string? fetchMode)
    {
        using var client = Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/acme/a.txt");
        request.Headers.Accept.ParseAdd(accept);
        if (requestedWith is not null)
        {
            request.Headers.Add("X-Requested-With", requestedWith);
        }

        if (fetchMode is not null)
        {
            request.Headers.Add("Sec-Fetch-Mode", fetchMode);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task BrowserNavigation_IdentityProviderDown_Gets503PageWithoutInternals()
    {
        using var client = Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/acme/a.txt");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        request.Headers.Add("Sec-Fetch-Mode", "navigate");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Sign-in is unavailable", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", page, StringComparison.Ordinal);
        Assert.DoesNotContain("IDX", page, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task SignOut_HostileReturnUrl_RedirectsToTheSignedOutPageOnly(string returnUrl)
    {
        using var client = Gateway.CreateClient();

        using var response = await client.GetAsync("/signout?returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signed-out", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_WithoutReturnUrl_LandsOnAPageThatSaysSignedOut()
    {
        using var client = Gateway.CreateClient();
        using var signOut = await client.GetAsync("/signout");
        using var request = new HttpRequestMessage(HttpMethod.Get, signOut.Headers.Location!.OriginalString);
        request.Headers.Accept.ParseAdd("text/html");

        using var page = await client.SendAsync(request);

        Assert.Equal("/signed-out", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Signed out</h1>", html, StringComparison.Ordinal);
        Assert.Contains("You are signed out", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_LocalReturnUrl_IsKept()
    {
        using var client = Gateway.CreateClient();

        using var response = await client.GetAsync("/signout?returnUrl=" + Uri.EscapeDataString("/files/acme/a.txt"));

        Assert.Equal("/files/acme/a.txt", response.Headers.Location!.OriginalString);
    }
}
