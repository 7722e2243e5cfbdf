using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.EndToEnd;

/// <summary>A person signs in, opens a folder page in Chromium, clicks down to a file, and gets its bytes from s3rver.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserFolderPageTests(BrowserFixture browser, BrowserSignInFixture parts) : IClassFixture<BrowserSignInFixture>
{
    [Fact]
    public async Task FolderPage_ClickFolderThenFile_LandsOnTheSeededBytes()
    {
        await parts.S3rver.PutAsync("tenants/acme/drafts/not-shown.txt", "draft"u8.ToArray());
        await using var gateway = await parts.StartGatewayAsync(extra: new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:tenant-files:Metadata:Download.Listing"] = "true",
        });
        await using var session = await browser.NewSessionAsync();

        await session.Page.GotoAsync(new Uri(gateway.Address, "/files/acme/").ToString());
        await session.SignInAsync("alice");
        await session.ConsentAsync();
        await session.Page.Locator("a.name", new() { HasTextString = "reports/" }).WaitForAsync();
        var root = await session.Page.ContentAsync();
        await session.Page.Locator("a.name", new() { HasTextString = "reports/" }).ClickAsync();
        await session.Page.Locator("a.name", new() { HasTextString = "q3.txt" }).WaitForAsync();
        var landed = session.Page.WaitForResponseAsync(response => response.Url.StartsWith(parts.S3rver.Endpoint.ToString(), StringComparison.Ordinal));
        await session.Page.Locator("a.name", new() { HasTextString = "q3.txt" }).ClickAsync();
        var file = await landed;

        Assert.DoesNotContain("drafts", root, StringComparison.Ordinal);
        Assert.Equal(200, file.Status);
        Assert.Equal(BrowserSignInFixture.Report, await file.BodyAsync());
    }
}
