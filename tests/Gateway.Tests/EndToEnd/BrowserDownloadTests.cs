using Gateway.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A person clicks a friendly link in a real browser (Chromium), signs in at a real OpenID Provider, and lands
/// on the file stored in a real s3rver; or sees a clear page when they may not have it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserDownloadTests(BrowserFixture browser, BrowserSignInFixture parts) : IClassFixture<BrowserSignInFixture>
{
    private Uri FileUrl(GatewayHost gateway) => new(gateway.Address, "/files/acme/reports/q3.txt");

    [Fact]
    public async Task FriendlyUrl_SignInAndConsent_LandsOnTheSeededBytes()
    {
        await using var session = await browser.NewSessionAsync();

        await session.Page.GotoAsync(FileUrl(parts.Gateway).ToString());
        Assert.StartsWith(parts.Provider.Issuer.GetLeftPart(UriPartial.Authority), session.Page.Url, StringComparison.Ordinal);
        var landed = session.Page.WaitForResponseAsync(response => response.Url.StartsWith(parts.S3rver.Endpoint.ToString(), StringComparison.Ordinal));
        await session.SignInAsync("alice");
        await session.ConsentAsync();
        var file = await landed;

        Assert.Equal(200, file.Status);
        Assert.Equal(BrowserSignInFixture.Report, await file.BodyAsync());
        var cookie = Assert.Single(await session.Context.CookiesAsync([parts.Gateway.Address.ToString()]), c => c.Name == "gateway.session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
    }

    [Fact]
    public async Task FriendlyUrl_UserTheRulesDeny_Sees403Page()
    {
        await using var session = await browser.NewSessionAsync();

        await session.Page.GotoAsync(FileUrl(parts.Gateway).ToString());
        var refusedResponse = session.Page.WaitForResponseAsync(response => response.Url == FileUrl(parts.Gateway).ToString() && response.Status != 302);
        await session.SignInAsync("bob");
        await session.ConsentAsync();
        var refused = await refusedResponse;

        Assert.Equal(403, refused.Status);
        Assert.Equal("Forbidden", await session.Page.Locator("h1").TextContentAsync());
        var html = await session.Page.ContentAsync();
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_ThenClickAgain_AsksForSignInAgain()
    {
        await using var session = await browser.NewSessionAsync();
        await SignInAndLandAsync(session, parts.Gateway, "alice");

        await session.Page.GotoAsync(new Uri(parts.Gateway.Address, "/signout?returnUrl=/files/acme/reports/q3.txt").ToString());
        await session.ConfirmSignOutAsync();
        // Signed out at the provider, back through the gateway to the file, which sends the browser to sign in again.
        await session.Page.Locator("input[name=login]").WaitForAsync();

        Assert.StartsWith(parts.Provider.Issuer.GetLeftPart(UriPartial.Authority), session.Page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(await session.Context.CookiesAsync([parts.Gateway.Address.ToString()]), c => c.Name == "gateway.session");
    }

    [Fact]
    public async Task SignOut_WithoutReturnUrl_LandsOnAPageThatSaysSignedOut()
    {
        await using var session = await browser.NewSessionAsync();
        await SignInAndLandAsync(session, parts.Gateway, "alice");

        await session.Page.GotoAsync(new Uri(parts.Gateway.Address, "/signout").ToString());
        await session.ConfirmSignOutAsync();
        await session.Page.WaitForURLAsync(new Uri(parts.Gateway.Address, "/signed-out").ToString());

        Assert.Equal("Signed out", await session.Page.Locator("h1").TextContentAsync());
        Assert.Contains("You are signed out", await session.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await session.Context.CookiesAsync([parts.Gateway.Address.ToString()]), c => c.Name == "gateway.session");
    }

    [Fact]
    public async Task XhrWithoutCredentials_Gets401NotTheIdentityProvider()
    {
        await using var session = await browser.NewSessionAsync();
        // A blank page of the gateway's own origin, so the fetch below is a same-origin XHR-style call.
        var blank = new Uri(parts.Gateway.Address, "/blank-test-page").ToString();
        await session.Page.RouteAsync(blank, route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<!doctype html><title>blank</title>" }));
        await session.Page.GotoAsync(blank);

        var status = await session.Page.EvaluateAsync<int>(
            "async url => (await fetch(url, { credentials: 'omit', redirect: 'manual', headers: { 'X-Requested-With': 'XMLHttpRequest' } })).status",
            FileUrl(parts.Gateway).ToString());

        Assert.Equal(401, status);
    }

    [Fact]
    public async Task ExpiredSession_SignsInAgainThroughTheProvider()
    {
        await using var gateway = await parts.StartGatewayAsync(sessionLifetime: TimeSpan.FromSeconds(3));
        await using var session = await browser.NewSessionAsync();
        await SignInAndLandAsync(session, gateway, "alice");

        await Task.Delay(TimeSpan.FromSeconds(4));
        var providerVisits = 0;
        session.Page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(parts.Provider.Issuer.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal))
            {
                Interlocked.Increment(ref providerVisits);
            }
        };
        var landed = session.Page.WaitForResponseAsync(response => response.Url.StartsWith(parts.S3rver.Endpoint.ToString(), StringComparison.Ordinal));
        await session.Page.GotoAsync(FileUrl(gateway).ToString());
        var file = await landed;

        Assert.True(providerVisits > 0, "the expired session did not go back to the identity provider");
        Assert.Equal(BrowserSignInFixture.Report, await file.BodyAsync());
    }

    private async Task SignInAndLandAsync(BrowserSession session, GatewayHost gateway, string login)
    {
        var landed = session.Page.WaitForResponseAsync(response => response.Url.StartsWith(parts.S3rver.Endpoint.ToString(), StringComparison.Ordinal));
        await session.Page.GotoAsync(FileUrl(gateway).ToString());
        if (await session.Page.Locator("input[name=login]").CountAsync() > 0)
        {
            await session.SignInAsync(login);
            if (await session.Page.Locator("input[name=prompt][value=consent]").CountAsync() > 0)
            {
                await session.ConsentAsync();
            }
        }

        Assert.Equal(200, (await landed).Status);
    }
}
