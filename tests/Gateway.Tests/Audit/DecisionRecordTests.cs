using System.Net;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Audit;

/// <summary>
/// Every way a download request can end emits exactly one audit record, from one place, with the reason of the step
/// that decided: the method check, authentication, the signing limit, the route policy, the rules, the key, the
/// existence check, the credentials, or the signed answer in each of its forms.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DecisionRecordTests(GatewayFixture fixture) : IAsyncLifetime
{
    private readonly AuditSpanRecorder _audit = new();
    private readonly WireMockServer _sts = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private GatewayHost? _gateway;

    private GatewayHost Gateway => _gateway!;

    public static TheoryData<string, string, string, string?, HttpStatusCode, string> ExitPaths => new()
    {
        { "405", "DELETE", "/files/acme/record/{0}.txt", "alice", HttpStatusCode.MethodNotAllowed, "method-not-allowed" },
        { "401", "GET", "/files/acme/record/{0}.txt", null, HttpStatusCode.Unauthorized, "unauthenticated" },
        { "429", "GET", "/limited/acme/{0}.txt", "alice", HttpStatusCode.TooManyRequests, "rate-limited" },
        { "policy 403", "GET", "/admin-files/acme/{0}.txt", "alice", HttpStatusCode.Forbidden, "policy" },
        { "rule 403", "GET", "/files/acme/drafts/{0}.txt", "alice", HttpStatusCode.Forbidden, "rule-deny" },
        { "400 key", "GET", "/files/acme/a%5C{0}", "alice", HttpStatusCode.BadRequest, "invalid-key" },
        { "404 missing object", "GET", "/checked/acme/{0}.txt", "alice", HttpStatusCode.NotFound, "object-missing" },
        { "503 credentials", "GET", "/cos/acme/{0}.txt", "alice", HttpStatusCode.ServiceUnavailable, "credentials-unavailable" },
        { "302", "GET", "/files/acme/record/{0}.txt", "alice", HttpStatusCode.Found, "rule-allow" },
        { "JSON link", "GET", "/files/acme/record/{0}.txt?format=json", "alice", HttpStatusCode.OK, "rule-allow" },
        { "proxy", "GET", "/stream/acme/record/seeded.txt?{0}", "alice", HttpStatusCode.OK, "rule-allow" },
    };

    public async Task InitializeAsync()
    {
        await fixture.S3rver.PutAsync("tenants/acme/record/seeded.txt", "streamed"u8.ToArray());
        _sts.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithStatusCode(500));
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        GatewayFixture.AddDownloadRoute(overrides, "limited-files", "/limited/{tenant}/{**path}");
        overrides["ReverseProxy:Routes:limited-files:RateLimiterPolicy"] = "one-per-hour";
        overrides["Gateway:RateLimits:Policies:one-per-hour:PerSubject:Permits"] = "1";
        overrides["Gateway:RateLimits:Policies:one-per-hour:PerSubject:Burst"] = "1";
        overrides["Gateway:RateLimits:Policies:one-per-hour:PerSubject:Period"] = "01:00:00";
        GatewayFixture.AddDownloadRoute(overrides, "admin-files", "/admin-files/{tenant}/{**path}");
        overrides["ReverseProxy:Routes:admin-files:AuthorizationPolicy"] = "gateway-admin";
        GatewayFixture.AddDownloadRoute(overrides, "checked-files", "/checked/{tenant}/{**path}");
        overrides["ReverseProxy:Routes:checked-files:Metadata:Download.CheckExists"] = "true";
        GatewayFixture.AddDownloadRoute(overrides, "streamed-files", "/stream/{tenant}/{**path}");
        overrides["ReverseProxy:Routes:streamed-files:Metadata:Download.Mode"] = "proxy";
        overrides["Gateway:Stores:demo-cos:Credentials:Source"] = "tencent-sts";
        overrides["Gateway:Stores:demo-cos:Credentials:Sts:Endpoint"] = _sts.Url + "/";
        _gateway = await GatewayHost.StartAsync(overrides);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _sts.Stop();
        _audit.Dispose();
    }

    [Theory]
    [MemberData(nameof(ExitPaths))]
    public async Task Request_EveryExitPath_EmitsExactlyOneRecordWithItsReason(string exit, string method, string pathFormat, string? subject, HttpStatusCode status, string reason)
    {
        var unique = Guid.NewGuid().ToString("N");
        var target = string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, unique);
        using var client = Gateway.CreateClient(subject is null ? null : TestTokens.For(subject + unique, "acme"));
        if (status == HttpStatusCode.TooManyRequests)
        {
            // The policy allows one signature per hour per subject: this one uses it.
            using var first = await client.GetAsync(target.Replace(unique, "first-" + unique, StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        }

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), target));

        Assert.True(status == response.StatusCode, $"{exit}: {response.StatusCode}");
        var path = target.Split('?')[0];
        bool IsThisRequest(System.Diagnostics.Activity span) => (string?)span.GetTagItem(AuditTags.UrlPath) == Uri.UnescapeDataString(path)
            && (span.GetTagItem(AuditTags.Subject) is not string recorded || recorded == subject + unique);

        // The record is emitted when the pipeline unwinds, which can be just after the client has the whole answer.
        await Eventually.HoldsAsync(() => _audit.Spans.Any(IsThisRequest), $"{exit}: no audit record");
        var record = Assert.Single(_audit.Spans, IsThisRequest);
        Assert.Equal(reason, record.GetTagItem(AuditTags.Reason));
        Assert.Equal(reason == "rule-allow" ? "allow" : reason == "credentials-unavailable" ? "error" : "deny", record.GetTagItem(AuditTags.Decision));
    }
}
