using System.Net;
using Gateway.Tests.Infrastructure;
using Gateway.TestSupport;

namespace Gateway.Tests.Redirect;

/// <summary>Routes with Download.CheckExists ask s3rver with a signed HEAD first, so a missing object is a 404 here.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ExistenceCheckTests(GatewayFixture fixture)
{
    [Fact]
    public async Task CheckedRoute_ExistingMissingAndCached()
    {
        await fixture.S3rver.PutAsync("tenants/acme/checked/here.txt", "here"u8.ToArray());
        await using var gateway = await StartAsync(fixture.S3rver.Endpoint);
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var present = await client.GetAsync("/checked/acme/checked/here.txt");
        using var missing = await client.GetAsync("/checked/acme/checked/later.txt");
        await fixture.S3rver.PutAsync("tenants/acme/checked/later.txt", "later"u8.ToArray());
        using var stillCached = await client.GetAsync("/checked/acme/checked/later.txt");
        using var notChecked = await client.GetAsync("/files/acme/checked/never.txt");

        Assert.Equal(HttpStatusCode.Found, present.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Null(missing.Headers.Location);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, stillCached.StatusCode);
        Assert.Equal(HttpStatusCode.Found, notChecked.StatusCode);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.BadGateway)]
    [InlineData(true, HttpStatusCode.Found)]
    public async Task CheckedRoute_StoreUnreachable_FailsClosedOrOpenAsConfigured(bool failOpen, HttpStatusCode expected)
    {
        await using var gateway = await StartAsync(new Uri($"http://127.0.0.1:{LoopbackPort.Free()}"), failOpen);
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/checked/acme/checked/any.txt");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task CheckedRoute_CacheTtlZero_AsksTheStoreEveryTimeAndNeverFails()
    {
        await fixture.S3rver.PutAsync("tenants/acme/checked/uncached.txt", "here"u8.ToArray());
        await using var gateway = await StartAsync(fixture.S3rver.Endpoint, cacheTtl: "00:00:00");
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var present = await client.GetAsync("/checked/acme/checked/uncached.txt");
        using var missing = await client.GetAsync("/checked/acme/checked/uncached-later.txt");
        await fixture.S3rver.PutAsync("tenants/acme/checked/uncached-later.txt", "later"u8.ToArray());
        using var nowThere = await client.GetAsync("/checked/acme/checked/uncached-later.txt");

        Assert.Equal(HttpStatusCode.Found, present.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Found, nowThere.StatusCode);
    }

    private Task<GatewayHost> StartAsync(Uri store, bool failOpen = false, string? cacheTtl = null)
    {
        var overrides = GatewayFixture.Overrides(store, new Uri(fixture.Backend.Url!));
        overrides["ReverseProxy:Routes:checked-files:ClusterId"] = "demo-s3";
        overrides["ReverseProxy:Routes:checked-files:Match:Path"] = "/checked/{tenant}/{**path}";
        overrides["ReverseProxy:Routes:checked-files:Metadata:Download.Store"] = "demo-s3";
        overrides["ReverseProxy:Routes:checked-files:Metadata:Download.Key"] = "tenants/{tenant}/{path}";
        overrides["ReverseProxy:Routes:checked-files:Metadata:Download.CheckExists"] = "true";
        overrides["Gateway:ExistenceCheck:FailOpen"] = failOpen ? "true" : "false";
        overrides["Gateway:ExistenceCheck:Timeout"] = "00:00:01";
        if (cacheTtl is not null)
        {
            overrides["Gateway:ExistenceCheck:CacheTtl"] = cacheTtl;
        }

        return GatewayHost.StartAsync(overrides);
    }
}
