using System.Net;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.EndToEnd;

/// <summary>A real HTTP client follows the gateway's 302 to a real s3rver and receives the object's bytes.</summary>
[Collection(GatewayCollection.Name)]
public sealed class S3rverDownloadTests(GatewayFixture fixture)
{
    [Fact]
    public async Task FollowRedirect_AllowedCaller_ReceivesSeededBytes()
    {
        var content = "quarterly report: ünïcödé and bytes \u0001\u00ff"u8.ToArray();
        await fixture.S3rver.PutAsync("tenants/acme/reports/q3 final.pdf", content);
        using var client = new HttpClient { BaseAddress = fixture.Gateway.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/files/acme/reports/q3%20final.pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.S3rver.Endpoint.Authority, response.RequestMessage!.RequestUri!.Authority);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task FollowRedirect_Head_ReturnsObjectLength()
    {
        await fixture.S3rver.PutAsync("tenants/acme/head.bin", new byte[1234]);
        using var client = new HttpClient { BaseAddress = fixture.Gateway.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For("alice", "acme"));

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/files/acme/head.bin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1234, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task FollowRedirect_UrlSignedInThePast_IsRefusedByStore()
    {
        await fixture.S3rver.PutAsync("tenants/acme/old.txt", "old"u8.ToArray());
        // The gateway's clock is pinned ten minutes back, so its five-minute URL has already expired.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        await using var gateway = await GatewayHost.StartAsync(
            GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!)),
            services => services.AddSingleton<TimeProvider>(clock));
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var redirect = await client.GetAsync("/files/acme/old.txt");
        using var download = await new HttpClient().GetAsync(redirect.Headers.Location);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, download.StatusCode);
        Assert.Contains("expired", await download.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FollowRedirect_FreshUrlForSameObject_IsAccepted()
    {
        await fixture.S3rver.PutAsync("tenants/acme/old.txt", "old"u8.ToArray());
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var redirect = await client.GetAsync("/files/acme/old.txt");
        using var download = await new HttpClient().GetAsync(redirect.Headers.Location);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("old", await download.Content.ReadAsStringAsync());
    }
}
