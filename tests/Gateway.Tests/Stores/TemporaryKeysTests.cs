using System.Net;
using Gateway.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Stores;

/// <summary>Stores that sign with temporary keys from STS (WireMock stands in for Tencent and AWS STS).</summary>
[Collection(GatewayCollection.Name)]
public sealed class TemporaryKeysTests(GatewayFixture fixture) : IDisposable
{
    private readonly WireMockServer _sts = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public void Dispose() => _sts.Dispose();

    [Fact]
    public async Task TencentSts_SignsWithTemporaryKeyAndTokenRequestedWithLeastPrivilegePolicy()
    {
        var expires = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        _sts.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(
            $$$"""{"Response":{"Credentials":{"Token":"tmp-token+/=abc","TmpSecretId":"AKIDTEMPORARY","TmpSecretKey":"temporary-secret"},"ExpiredTime":{{{expires}}},"Expiration":"x","RequestId":"r1"}}"""));
        await using var gateway = await StartAsync(new()
        {
            ["Gateway:Stores:demo-cos:Credentials:Source"] = "tencent-sts",
            ["Gateway:Stores:demo-cos:Credentials:Sts:Endpoint"] = _sts.Url + "/",
        });
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.GetAsync($"/cos/acme/sts/{i}.txt")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Found, response.StatusCode));
        var location = responses[0].Headers.Location!.OriginalString;
        Assert.Contains("q-ak=AKIDTEMPORARY", location, StringComparison.Ordinal);
        Assert.Contains("x-cos-security-token=tmp-token+/=abc", location, StringComparison.Ordinal);
        var call = Assert.Single(_sts.LogEntries);
        Assert.Equal("GetFederationToken", call.RequestMessage.Headers!["X-TC-Action"].Single());
        var body = call.RequestMessage.Body!;
        Assert.Contains(Uri.EscapeDataString("qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/tenants/*"), body, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString("name/cos:GetObject"), body, StringComparison.Ordinal);
        Assert.DoesNotContain("PutObject", Uri.UnescapeDataString(body), StringComparison.Ordinal);
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task AwsSts_UrlCarriesSessionTokenIsClampedToKeyExpiryAndStoreServesIt()
    {
        await fixture.S3rver.PutAsync("tenants/acme/sts/object.txt", "temporary"u8.ToArray());
        var expiration = DateTimeOffset.UtcNow.AddSeconds(120).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        _sts.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithHeader("Content-Type", "text/xml").WithBody($"""
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
            <AccessKeyId>S3RVER</AccessKeyId><SecretAccessKey>temporary-aws-secret</SecretAccessKey><SessionToken>aws-session-token</SessionToken>
            <Expiration>{expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
            """));
        await using var gateway = await StartAsync(new()
        {
            ["Gateway:Stores:demo-s3:Credentials:Source"] = "aws-sts",
            ["Gateway:Stores:demo-s3:Credentials:Sts:Endpoint"] = _sts.Url + "/",
            ["Gateway:Stores:demo-s3:Credentials:Sts:RoleArn"] = "arn:aws:iam::123456789012:role/gateway-reader",
            ["Gateway:Stores:demo-s3:Credentials:Sts:DurationSeconds"] = "900",
        });
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var redirect = await client.GetAsync("/files/acme/sts/object.txt");
        using var download = await new HttpClient().GetAsync(redirect.Headers.Location);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        var query = Redirect.DownloadRedirectTests.QueryOf(redirect.Headers.Location!);
        Assert.Equal("aws-session-token", query["X-Amz-Security-Token"]);
        Assert.InRange(int.Parse(query["X-Amz-Expires"], System.Globalization.CultureInfo.InvariantCulture), 1, 120);
        Assert.Equal("temporary", await download.Content.ReadAsStringAsync());
        var form = Uri.UnescapeDataString(Assert.Single(_sts.LogEntries).RequestMessage.Body!);
        Assert.Contains("Action=AssumeRole", form, StringComparison.Ordinal);
        Assert.Contains("arn:aws:s3:::demo/tenants/*", form, StringComparison.Ordinal);
        Assert.Contains("AWS4-HMAC-SHA256", string.Join(' ', _sts.LogEntries.Single().RequestMessage.Headers!["Authorization"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StsDown_DownloadsAnswer503WithRetryAfterAndReadinessFails()
    {
        _sts.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithStatusCode(500));
        await using var gateway = await StartAsync(new()
        {
            ["Gateway:Stores:demo-cos:Credentials:Source"] = "tencent-sts",
            ["Gateway:Stores:demo-cos:Credentials:Sts:Endpoint"] = _sts.Url + "/",
        });
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync("/cos/acme/sts/down.txt");
        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(TestTokens.StoreSecrets[0], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task PermanentKey_LogsAStartupWarningRecommendingTemporaryKeys()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = await GatewayHost.StartAsync(
            GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!)),
            services => services.AddSingleton<ILoggerProvider>(logs));

        Assert.Contains(logs.Messages, message => message.Contains("Store demo-cos signs URLs with a permanent key", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, message => message.Contains(TestTokens.StoreSecrets[0], StringComparison.Ordinal));
    }

    private Task<GatewayHost> StartAsync(Dictionary<string, string?> extra)
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        foreach (var (key, value) in extra)
        {
            overrides[key] = value;
        }

        return GatewayHost.StartAsync(overrides);
    }
}
