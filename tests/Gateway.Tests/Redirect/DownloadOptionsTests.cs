using System.Net;
using System.Text.Json;
using Gateway.Redirect;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Redirect;

/// <summary>JSON links, download names and types: signed response-* parameters, checked against a real s3rver.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DownloadOptionsTests(GatewayFixture fixture)
{
    private HttpClient Client() => fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));

    [Theory]
    [InlineData("application/json", "")]
    [InlineData("*/*", "?format=json")]
    public async Task JsonLink_AskedFor_Answers200WithUrlMethodAndExpiry(string accept, string query)
    {
        await fixture.S3rver.PutAsync("tenants/acme/options/link.txt", "linked"u8.ToArray());
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/acme/options/link.txt" + query);
        request.Headers.Accept.ParseAdd(accept);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var link = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var url = new Uri(link.RootElement.GetProperty("url").GetString()!);
        Assert.Equal(fixture.S3rver.Endpoint.Authority, url.Authority);
        Assert.Equal("/demo/tenants/acme/options/link.txt", url.AbsolutePath);
        Assert.Equal("GET", link.RootElement.GetProperty("method").GetString());
        Assert.InRange(link.RootElement.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.Equal("linked", await new HttpClient().GetStringAsync(url));
    }

    [Fact]
    public async Task JsonLink_Denied_IsProblemNotLink()
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("mallory", "globex"));

        using var response = await client.GetAsync("/files/acme/options/link.txt?format=json");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("report.pdf", "attachment; filename=\"report.pdf\"")]
    [InlineData("报告 2024.pdf", "attachment; filename=\"__ 2024.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%202024.pdf")]
    [InlineData("naïve 100%.txt", "attachment; filename=\"na_ve 100_.txt\"; filename*=UTF-8''na%C3%AFve%20100%25.txt")]
    public async Task DownloadName_IsSignedAndHonouredByTheStore(string name, string expectedDisposition)
    {
        await fixture.S3rver.PutAsync("tenants/acme/options/named.bin", "named"u8.ToArray());
        using var client = Client();

        using var redirect = await client.GetAsync("/files/acme/options/named.bin?download=" + Uri.EscapeDataString(name));
        using var download = await new HttpClient().GetAsync(redirect.Headers.Location);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(expectedDisposition, DownloadRedirectTests.QueryOf(redirect.Headers.Location!)["response-content-disposition"]);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(expectedDisposition, download.Content.Headers.ContentDisposition!.ToString());
    }

    [Fact]
    public async Task InlineAndType_AreSignedAndHonouredByTheStore()
    {
        await fixture.S3rver.PutAsync("tenants/acme/options/page.bin", "<p>hi</p>"u8.ToArray());
        using var client = Client();

        using var redirect = await client.GetAsync("/files/acme/options/page.bin?inline&type=" + Uri.EscapeDataString("text/plain; charset=utf-8"));
        using var download = await new HttpClient().GetAsync(redirect.Headers.Location);

        Assert.Equal("inline", download.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal("text/plain; charset=utf-8", download.Content.Headers.ContentType!.ToString());
    }

    [Theory]
    [InlineData("?download=a%22b.pdf")]
    [InlineData("?download=a%0D%0ALocation:%20x")]
    [InlineData("?download=..%2Fetc%2Fpasswd")]
    [InlineData("?download=a%5Cb")]
    [InlineData("?download=a%00b")]
    [InlineData("?download=%20")]
    [InlineData("?download=a.pdf&inline")]
    [InlineData("?download=a&download=b")]
    [InlineData("?response-cache-control=no-cache")]
    [InlineData("?Response-Content-Type=text/html")]
    [InlineData("?type=text/html%0D%0AX-Evil:%201")]
    [InlineData("?type=nonsense")]
    public async Task HostileOptions_Answer400WithoutLocation(string query)
    {
        using var client = Client();

        using var response = await client.GetAsync("/files/acme/options/x.pdf" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void DispositionValue_NonAsciiName_MatchesTheVendorVectorEncoding() =>
        Assert.EndsWith("filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf", ResponseOverrides.DispositionValue("attachment", "报告.pdf"), StringComparison.Ordinal);

    [Fact]
    public void CheckName_OverlongName_IsRefused() =>
        Assert.NotNull(ResponseOverrides.CheckName(new string('a', ResponseOverrides.MaxNameLength + 1)));
}
