using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Listing;

/// <summary>
/// Folder pages against a real s3rver (ListObjectsV2): the rules decide every name, the pages link to friendly URLs
/// that download, hostile names stay inert, and a failing store answers 502 or 504.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class FolderPageTests(GatewayFixture fixture) : IDisposable
{
    private readonly string _rulesDirectory = Directory.CreateTempSubdirectory("listing-rules-").FullName;

    [Fact]
    public async Task FolderPage_Json_ListsAllowedFilesAndFoldersWithSizeDateAndFriendlyUrls()
    {
        await fixture.S3rver.PutAsync("tenants/acme/lst1/report one.txt", "12345"u8.ToArray());
        await fixture.S3rver.PutAsync("tenants/acme/lst1/報告/q3.txt", "q3"u8.ToArray());
        await fixture.S3rver.PutAsync("tenants/acme/lst1/drafts/only-draft.txt", "no"u8.ToArray());
        await fixture.S3rver.PutAsync("tenants/acme/lst1/mixed/drafts/hidden.txt", "no"u8.ToArray());
        await fixture.S3rver.PutAsync("tenants/acme/lst1/mixed/shown.txt", "yes"u8.ToArray());
        await using var gateway = await StartAsync(fixture.S3rver.Endpoint);
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        var page = await client.GetFromJsonAsync<JsonElement>("/list/acme/lst1/");

        Assert.Equal("/list/acme/lst1/", page.GetProperty("path").GetString());
        var entries = page.GetProperty("entries").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal<string>(["mixed/", "報告/", "report one.txt"], entries.Keys.ToArray());
        Assert.Equal("folder", entries["報告/"].GetProperty("type").GetString());
        Assert.Equal("/list/acme/lst1/%E5%A0%B1%E5%91%8A/", entries["報告/"].GetProperty("url").GetString());
        Assert.Equal(5, entries["report one.txt"].GetProperty("size").GetInt64());
        Assert.True(entries["report one.txt"].GetProperty("lastModified").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));
        Assert.False(page.TryGetProperty("next", out _));

        using var download = await client.GetAsync(entries["report one.txt"].GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.Found, download.StatusCode);
        using var bytes = await new HttpClient().GetAsync(download.Headers.Location);
        Assert.Equal("12345", await bytes.Content.ReadAsStringAsync());

        var sub = await client.GetFromJsonAsync<JsonElement>(entries["mixed/"].GetProperty("url").GetString());
        Assert.Equal<string>(["shown.txt"], sub.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task DeniedName_IsNeitherListedNorDownloadable_AndAFolderOfDeniedNamesIsHidden()
    {
        await fixture.S3rver.PutAsync("tenants/acme/lst2/plan.txt", "plan"u8.ToArray());
        await fixture.S3rver.PutAsync("tenants/acme/lst2/secret-plan.txt", "secret"u8.ToArray());
        await fixture.S3rver.PutAsync("tenants/acme/lst2/vault/secret-a.txt", "secret"u8.ToArray());
        await fixture.S3rver.PutAsync("tenants/acme/lst2/vault/secret-b.txt", "secret"u8.ToArray());
        var rules = Path.Combine(_rulesDirectory, "rules.json");
        await File.WriteAllTextAsync(rules, """
            { "rules": [
              { "id": "tenant-read", "effect": "allow", "keys": [ "tenants/{claim:tenant}/**" ], "when": { "authenticated": true } },
              { "id": "no-secrets", "effect": "deny", "keys": [ "**/secret-*" ] } ] }
            """);
        await using var gateway = await StartAsync(fixture.S3rver.Endpoint, new() { ["Gateway:Rules:File"] = rules });
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        var page = await client.GetFromJsonAsync<JsonElement>("/list/acme/lst2/");
        using var denied = await client.GetAsync("/list/acme/lst2/secret-plan.txt");
        using var vault = await client.GetAsync("/list/acme/lst2/vault/");
        using var other = await gateway.CreateClient(TestTokens.For("mallory", "globex")).GetAsync("/list/acme/lst2/");

        Assert.Equal<string>(["plan.txt"], page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, vault.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.DoesNotContain("secret", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileNames_AreShownInertInHtml()
    {
        string[] names = ["<img src=x onerror=alert(1)>.txt", "quote\"and'apos.txt", "invoice\u202Etxt.exe", "a&b.txt"];
        foreach (var name in names)
        {
            await fixture.S3rver.PutAsync($"public/lst3/{name}", "x"u8.ToArray());
        }

        // The demo rules let anyone read public/** on the route "public-files", so a browser navigation gets the HTML page.
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        GatewayFixture.AddDownloadRoute(overrides, "public-files", "/pub/{**path}", "public/{path}");
        overrides["ReverseProxy:Routes:public-files:AuthorizationPolicy"] = "anonymous";
        overrides["ReverseProxy:Routes:public-files:Metadata:Download.Listing"] = "true";
        await using var gateway = await GatewayHost.StartAsync(overrides);
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/pub/lst3/");
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("<img", body, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;.txt", body, StringComparison.Ordinal);
        Assert.DoesNotContain("quote\"and", body, StringComparison.Ordinal);
        Assert.Contains("quote&quot;and&#x27;apos.txt", body, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', body);
        Assert.Contains("invoice[U+202E]txt.exe", body, StringComparison.Ordinal);
        Assert.Contains("href=\"/pub/lst3/invoice%E2%80%AEtxt.exe\"", body, StringComparison.Ordinal);
        Assert.Contains("href=\"/pub/lst3/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.txt\"", body, StringComparison.Ordinal);
        Assert.Contains("a&amp;b.txt", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_FollowTheEncryptedNextLink_SortWithinAPage_AndRefuseATamperedLink()
    {
        // s3rver cannot continue a ListObjectsV2 here (its tokens use DES, which OpenSSL 3 refuses), so the store is
        // WireMock answering two S3 pages; the gateway must hand the store's token back, and the caller only a sealed one.
        using var store = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        store.Given(Request.Create().UsingGet().WithParam("list-type", "2").WithParam("delimiter", "/").WithParam("continuation-token", "store-token/f2.txt"))
            .RespondWith(Response.Create().WithBody(S3Page(false, null, ("f2.txt", 30), ("f3.txt", 1))));
        store.Given(Request.Create().UsingGet().WithParam("list-type", "2").WithParam("delimiter", "/").WithParam("max-keys", "2"))
            .AtPriority(10)
            .RespondWith(Response.Create().WithBody(S3Page(true, "store-token/f2.txt", ("f0.txt", 5), ("f1.txt", 20))));
        await using var gateway = await StartAsync(new Uri(store.Url!), new() { ["Gateway:Listing:PageSize"] = "2" });
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        var first = await client.GetFromJsonAsync<JsonElement>("/list/acme/lst4/?sort=size&order=desc");
        var next = first.GetProperty("next").GetString()!;
        var second = await client.GetFromJsonAsync<JsonElement>(next);
        using var tampered = await client.GetAsync("/list/acme/lst4/?page=bm90LWEtdG9rZW4");
        using var elsewhere = await client.GetAsync("/list/acme/other/?" + new Uri(gateway.Address, next).Query.TrimStart('?'));

        Assert.Equal<string>(["f1.txt", "f0.txt"], first.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray());
        Assert.StartsWith("/list/acme/lst4/?sort=size&order=desc&page=", next, StringComparison.Ordinal);
        Assert.DoesNotContain("store-token", Uri.UnescapeDataString(next), StringComparison.Ordinal);
        Assert.Equal<string>(["f2.txt", "f3.txt"], second.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray());
        Assert.False(second.TryGetProperty("next", out _));
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
    }

    [Fact]
    public async Task CosStore_IsListedWithASignedGetBucket_AndResumesAfterTheLastNameWithoutNextMarker()
    {
        using var store = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        store.Given(Request.Create().UsingGet().WithPath("/examplebucket-1250000000/").WithParam("marker", "tenants/acme/c/f1.txt"))
            .RespondWith(Response.Create().WithBody(CosPage(false, "f2.txt")));
        store.Given(Request.Create().UsingGet().WithPath("/examplebucket-1250000000/")).AtPriority(10)
            .RespondWith(Response.Create().WithBody(CosPage(true, "f0.txt", "f1.txt")));
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Gateway:Stores:demo-cos:Endpoint"] = store.Url;
        overrides["Gateway:Stores:demo-cos:ForcePathStyle"] = "true";
        overrides["ReverseProxy:Clusters:demo-cos:Destinations:store:Address"] = store.Url;
        overrides["ReverseProxy:Routes:tenant-files-cos:Metadata:Download.Listing"] = "true";
        overrides["Gateway:Listing:PageSize"] = "2";
        await using var gateway = await GatewayHost.StartAsync(overrides);
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        var first = await client.GetFromJsonAsync<JsonElement>("/cos/acme/c/");
        var second = await client.GetFromJsonAsync<JsonElement>(first.GetProperty("next").GetString());

        Assert.Equal<string>(["f0.txt", "f1.txt"], first.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray());
        Assert.Equal<string>(["f2.txt"], second.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray());
        var upstream = store.LogEntries.First().RequestMessage;
        Assert.Equal("tenants/acme/c/", upstream.Query!["prefix"].Single());
        Assert.Equal("sha1", upstream.Query["q-sign-algorithm"].Single());
        Assert.Equal("delimiter;max-keys;prefix", upstream.Query["q-url-param-list"].Single());
        Assert.Matches("^[0-9a-f]{40}$", upstream.Query["q-signature"].Single());
        Assert.False(upstream.Query.ContainsKey("list-type"));
    }

    [Fact]
    public async Task FolderPage_IsOneAuditRecordWithPrefixAndCount_AndNeedsAuthentication()
    {
        await fixture.S3rver.PutAsync("tenants/acme/lst5/one.txt", "1"u8.ToArray());
        await fixture.S3rver.PutAsync("tenants/acme/lst5/two.txt", "2"u8.ToArray());
        using var spans = new AuditSpanRecorder();
        await using var gateway = await StartAsync(fixture.S3rver.Endpoint);

        using var listed = await gateway.CreateClient(TestTokens.For("alice", "acme")).GetAsync("/list/acme/lst5/");
        using var head = await gateway.CreateClient(TestTokens.For("alice", "acme")).SendAsync(new HttpRequestMessage(HttpMethod.Head, "/list/acme/lst5/"));
        using var anonymous = await gateway.CreateClient().GetAsync("/list/acme/lst5/");

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await Eventually.HoldsAsync(() => spans.Spans.Count(s => (string?)s.GetTagItem(AuditTags.UrlPath) == "/list/acme/lst5/") == 3, "The requests were not audited.");
        var span = Assert.Single(spans.Spans, s => (string?)s.GetTagItem(AuditTags.UrlPath) == "/list/acme/lst5/" && (string?)s.GetTagItem(AuditTags.Method) == "GET" && s.GetTagItem(AuditTags.ListingPrefix) is not null);
        Assert.Equal("tenants/acme/lst5/", span.GetTagItem(AuditTags.ListingPrefix));
        Assert.Equal(2, span.GetTagItem(AuditTags.ListingEntries));
        Assert.Equal("listed", span.GetTagItem(AuditTags.Reason));
        Assert.Equal("allow", span.GetTagItem(AuditTags.Decision));
    }

    [Theory]
    [InlineData(false, HttpStatusCode.BadGateway)]
    [InlineData(true, HttpStatusCode.GatewayTimeout)]
    public async Task StoreFailure_Answers502Or504(bool slow, HttpStatusCode expected)
    {
        using var store = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        var answer = slow ? Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)) : Response.Create().WithStatusCode(500).WithBody("<Error/>");
        store.Given(Request.Create().UsingGet()).RespondWith(answer);
        await using var gateway = await StartAsync(new Uri(store.Url!), new()
        {
            ["Gateway:Listing:AttemptTimeout"] = "00:00:00.500",
            ["Gateway:Listing:TotalTimeout"] = "00:00:01",
            ["Gateway:Listing:Retries"] = "1",
        });
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/list/acme/lst6/");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (slow)
        {
            return;
        }

        var upstream = store.LogEntries.First().RequestMessage;
        Assert.Equal("/demo/", upstream.Path);
        Assert.Equal("tenants/acme/lst6/", upstream.Query!["prefix"].Single());
        Assert.Equal("2", upstream.Query["list-type"].Single());
        Assert.Contains("X-Amz-Signature", upstream.Url, StringComparison.Ordinal);
        Assert.InRange(store.LogEntries.Count(), 1, 2);
    }

    private static string S3Page(bool truncated, string? token, params (string Name, int Size)[] files) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>demo</Name><Prefix>tenants/acme/lst4/</Prefix>"
        + $"<IsTruncated>{(truncated ? "true" : "false")}</IsTruncated>" + (token is null ? "" : $"<NextContinuationToken>{token}</NextContinuationToken>")
        + string.Concat(files.Select(f => $"<Contents><Key>tenants/acme/lst4/{f.Name}</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified><Size>{f.Size}</Size></Contents>"))
        + "</ListBucketResult>";

    private static string CosPage(bool truncated, params string[] files) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>examplebucket-1250000000</Name><Prefix>tenants/acme/c/</Prefix>"
        + $"<IsTruncated>{(truncated ? "true" : "false")}</IsTruncated>"
        + string.Concat(files.Select(f => $"<Contents><Key>tenants/acme/c/{f}</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified><Size>7</Size></Contents>"))
        + "</ListBucketResult>";

    public void Dispose() => Directory.Delete(_rulesDirectory, recursive: true);

    private Task<GatewayHost> StartAsync(Uri store, Dictionary<string, string?>? extra = null)
    {
        var overrides = GatewayFixture.Overrides(store, new Uri(fixture.Backend.Url!));
        GatewayFixture.AddDownloadRoute(overrides, "listed-files", "/list/{tenant}/{**path}");
        overrides["ReverseProxy:Routes:listed-files:Metadata:Download.Listing"] = "true";
        foreach (var (key, value) in extra ?? [])
        {
            overrides[key] = value;
        }

        return GatewayHost.StartAsync(overrides);
    }
}
