using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Redirect;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Redirect;

/// <summary>POST /links: one request, one result per path, each authorised and signed on its own.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BatchLinksTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Batch_MixedPaths_GivesALinkOrAReasonForEach()
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));
        string[] paths =
        [
            "/files/acme/batch/a.pdf",
            "/files/acme/batch/b%20c.pdf?download=" + Uri.EscapeDataString("报告.pdf"),
            "/files/globex/batch/x.pdf",
            "/files/acme/drafts/y.pdf",
            "/nowhere/z.pdf",
            "/files/acme/batch/bad%5Cname",
            "/cos/acme/batch/c.pdf",
        ];

        using var response = await client.PostAsJsonAsync("/links", new { paths });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(paths.Length, results.Count);
        Assert.Equal(paths, results.Select(r => r.GetProperty("path").GetString()));
        Assert.Equal("/demo/tenants/acme/batch/a.pdf", new Uri(results[0].GetProperty("url").GetString()!).AbsolutePath);
        Assert.Equal("GET", results[0].GetProperty("method").GetString());
        Assert.Contains("filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf", Uri.UnescapeDataString(results[1].GetProperty("url").GetString()!), StringComparison.Ordinal);
        Assert.Equal(403, results[2].GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(403, results[3].GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(404, results[4].GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(400, results[5].GetProperty("error").GetProperty("status").GetInt32());
        Assert.StartsWith("https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/", results[6].GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.False(results[2].TryGetProperty("url", out _));
    }

    [Fact]
    public async Task Batch_SignedLink_DownloadsFromTheStore()
    {
        await fixture.S3rver.PutAsync("tenants/acme/batch/real.txt", "batched"u8.ToArray());
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.PostAsJsonAsync("/links", new { paths = new[] { "/files/acme/batch/real.txt" } });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var url = body.RootElement.GetProperty("results")[0].GetProperty("url").GetString();

        Assert.Equal("batched", await new HttpClient().GetStringAsync(url));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(BatchLinksEndpoint.MaxItems + 1)]
    public async Task Batch_SizeOutOfRange_Answers400(int count)
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.PostAsJsonAsync("/links", new { paths = Enumerable.Repeat("/files/acme/a.pdf", count) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Batch_WrongMethodOrAnonymous_IsRefused()
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));
        using var anonymous = fixture.Gateway.CreateClient();

        using var delete = await client.PostAsJsonAsync("/links", new { paths = new[] { "/files/acme/a.pdf" }, method = "DELETE" });
        using var unauthenticated = await anonymous.PostAsJsonAsync("/links", new { paths = new[] { "/files/acme/a.pdf" } });

        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    [Fact]
    public async Task Batch_PathWithEncodedNul_FailsAloneAndTheOthersAreSigned()
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.PostAsJsonAsync("/links", new { paths = new[] { "/files/acme/a%00b.pdf", "/files/acme/batch/a.pdf" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(404, results[0].GetProperty("error").GetProperty("status").GetInt32());
        Assert.True(results[1].TryGetProperty("url", out _));
    }
}
