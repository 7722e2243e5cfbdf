using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Redirect;

/// <summary>A route that mirrors the store's own path-style layout, so an app only swaps the host.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CompatibilityRouteTests(GatewayFixture fixture)
{
    [Fact]
    public async Task SwappedHost_SamePath_RedirectsToTheSameObjectUnderTheSameRules()
    {
        await fixture.S3rver.PutAsync("tenants/acme/compat/q3.txt", "compat"u8.ToArray());
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var allowed = await client.GetAsync("/demo/tenants/acme/compat/q3.txt");
        using var denied = await client.GetAsync("/demo/tenants/globex/compat/q3.txt");
        using var download = await new HttpClient().GetAsync(allowed.Headers.Location);

        Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
        Assert.Equal("/demo/tenants/acme/compat/q3.txt", allowed.Headers.Location!.AbsolutePath);
        Assert.Equal("compat", await download.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }
}
