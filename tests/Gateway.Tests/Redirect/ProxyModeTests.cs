using System.Net;
using System.Net.Http.Headers;
using Gateway.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Redirect;

/// <summary>Proxy mode: for clients that cannot follow redirects, YARP streams the object from a signed upstream request.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ProxyModeTests(GatewayFixture fixture)
{
    private static readonly byte[] Content = [.. Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i % 251))];

    [Fact]
    public async Task ProxyRoute_StreamsBytesAndPassesRangeAndConditionalRequests()
    {
        await fixture.S3rver.PutAsync("tenants/acme/stream/blob.bin", Content);
        await using var gateway = await StartAsync(fixture.S3rver.Endpoint);
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var full = await client.GetAsync("/stream/acme/stream/blob.bin");
        using var rangeRequest = new HttpRequestMessage(HttpMethod.Get, "/stream/acme/stream/blob.bin") { Headers = { Range = new RangeHeaderValue(100, 199) } };
        using var partial = await client.SendAsync(rangeRequest);
        using var conditionalRequest = new HttpRequestMessage(HttpMethod.Get, "/stream/acme/stream/blob.bin");
        conditionalRequest.Headers.IfNoneMatch.Add(full.Headers.ETag!);
        using var notModified = await client.SendAsync(conditionalRequest);
        using var denied = await gateway.CreateClient(TestTokens.For("mallory", "globex")).GetAsync("/stream/acme/stream/blob.bin");
        using var missing = await client.GetAsync("/stream/acme/stream/missing.bin");

        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Null(full.Headers.Location);
        Assert.Equal(Content, await full.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(Content[100..200], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ProxyRoute_UpstreamRequestIsSignedAndCarriesNoCallerCredentials()
    {
        using var store = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        store.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(206).WithBody("part"));
        await using var gateway = await StartAsync(new Uri(store.Url!));
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stream/acme/stream/x.bin") { Headers = { Range = new RangeHeaderValue(0, 3) } };
        request.Headers.Add("Cookie", "gateway.session=secret-cookie");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        var upstream = Assert.Single(store.LogEntries).RequestMessage;
        Assert.Equal("/demo/tenants/acme/stream/x.bin", upstream.Path);
        Assert.Contains("X-Amz-Signature", upstream.Url, StringComparison.Ordinal);
        Assert.False(upstream.Headers!.ContainsKey("Authorization"));
        Assert.False(upstream.Headers.ContainsKey("Cookie"));
        Assert.Equal("bytes=0-3", upstream.Headers["Range"].Single());
    }

    [Fact]
    public async Task ProxyRoute_StoreAnswer_IsFilteredAndServedAsAHardenedAttachment()
    {
        using var store = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        store.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "text/html")
            .WithHeader("Set-Cookie", "store-session=planted; Path=/")
            .WithHeader("Cache-Control", "public, max-age=86400")
            .WithHeader("X-Store-Internal", "node-7")
            .WithHeader("ETag", "\"v1\"")
            .WithBody("<script>alert(document.cookie)</script>"));
        await using var gateway = await StartAsync(new Uri(store.Url!));
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stream/acme/stream/page.html?inline");
        request.Headers.Add("X-Caller-Secret", "do-not-forward");
        request.Headers.Add("User-Agent", "curl/8");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"v0\""));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.False(response.Headers.Contains("X-Store-Internal"));
        Assert.True(response.Headers.CacheControl is { Private: true, NoStore: true, Public: false, MaxAge: null });
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("sandbox", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("\"v1\"", response.Headers.ETag?.ToString());
        var upstream = Assert.Single(store.LogEntries).RequestMessage;
        Assert.False(upstream.Headers!.ContainsKey("X-Caller-Secret"));
        Assert.False(upstream.Headers.ContainsKey("User-Agent"));
        Assert.Equal("\"v0\"", upstream.Headers["If-None-Match"].Single());
    }

    [Fact]
    public async Task ProxyRoute_InlineSafeType_IsShownInlineWithTheSameHardening()
    {
        using var store = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        store.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody("png"));
        await using var gateway = await StartAsync(new Uri(store.Url!));
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/stream/acme/stream/logo.png");

        Assert.Null(response.Content.Headers.ContentDisposition);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private Task<GatewayHost> StartAsync(Uri store)
    {
        var overrides = GatewayFixture.Overrides(store, new Uri(fixture.Backend.Url!));
        overrides["ReverseProxy:Routes:streamed-files:ClusterId"] = "demo-s3";
        overrides["ReverseProxy:Routes:streamed-files:Match:Path"] = "/stream/{tenant}/{**path}";
        overrides["ReverseProxy:Routes:streamed-files:Metadata:Download.Store"] = "demo-s3";
        overrides["ReverseProxy:Routes:streamed-files:Metadata:Download.Key"] = "tenants/{tenant}/{path}";
        overrides["ReverseProxy:Routes:streamed-files:Metadata:Download.Mode"] = "proxy";
        return GatewayHost.StartAsync(overrides);
    }
}
