using System.Net;
using System.Net.Http.Headers;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Audit;

/// <summary>
/// The audit log record reads well: no "(null)", a 401, 405 or 429 says what happened instead of naming a rule, and
/// every promised field is still there. Paths that serve nothing answer a plain 404 and make no audit record.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AuditRecordTextTests(GatewayFixture fixture) : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly AuditSpanRecorder _audit = new();
    private GatewayHost? _gateway;

    public async Task InitializeAsync()
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));

        // One signing per hour for the subject "limited", so its second request is a 429.
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = "1";
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Period"] = "01:00:00";
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Burst"] = "1";
        overrides["Gateway:RateLimits:Policies:signing:PerClientIp:Burst"] = "1000000";
        _gateway = await GatewayHost.StartAsync(overrides, services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    public async Task DisposeAsync()
    {
        _audit.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    private string AuditRecord(string path) =>
        Assert.Single(_logs.Messages, message => message.StartsWith("Download ", StringComparison.Ordinal) && message.Contains($" for {path}:", StringComparison.Ordinal));

    private async Task<string> RecordAfterAsync(HttpStatusCode expected, string path, HttpRequestMessage request)
    {
        using var client = _gateway!.CreateClient();
        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        await Eventually.HoldsAsync(() => _logs.Messages.Any(message => message.Contains($" for {path}:", StringComparison.Ordinal)), $"No audit record for {path}.");
        var record = AuditRecord(path);
        Assert.DoesNotContain("(null)", record, StringComparison.Ordinal);
        return record;
    }

    private static HttpRequestMessage Get(string path, string? token = null, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.UserAgent.ParseAdd("audit-text-test/1.0");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    [Fact]
    public async Task Unauthenticated_SaysAuthenticationRequiredAndNamesNoRule()
    {
        const string path = "/files/acme/text/anonymous.txt";

        var record = await RecordAfterAsync(HttpStatusCode.Unauthorized, path, Get(path));

        Assert.StartsWith("Download deny (unauthenticated): 401 Authentication required, before any rule decided (rule none, rules ", record, StringComparison.Ordinal);
        Assert.EndsWith($"on route tenant-files for {path}: store demo-s3, nothing signed; subject none from 127.0.0.1 (audit-text-test/1.0).", record, StringComparison.Ordinal);
        Assert.Equal(AuditDecisions.None, _audit.For(path).GetTagItem(AuditTags.RuleId));
    }

    [Fact]
    public async Task MethodNotAllowed_SaysSoAndNamesNoRule()
    {
        const string path = "/files/acme/text/post.txt";

        var record = await RecordAfterAsync(HttpStatusCode.MethodNotAllowed, path, Get(path, TestTokens.For("alice", "acme"), HttpMethod.Post));

        Assert.StartsWith("Download deny (method-not-allowed): 405 Method not allowed, before any rule decided (rule none, rules ", record, StringComparison.Ordinal);
        Assert.DoesNotContain("default-deny", record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_SaysTooManyRequestsAndNamesNoRule()
    {
        const string first = "/files/acme/text/limited-1.txt";
        const string second = "/files/acme/text/limited-2.txt";
        var token = TestTokens.For("limited", "acme");

        await RecordAfterAsync(HttpStatusCode.Found, first, Get(first, token));
        var record = await RecordAfterAsync(HttpStatusCode.TooManyRequests, second, Get(second, token));

        Assert.StartsWith("Download deny (rate-limited): 429 Too many requests, before any rule decided (rule none, rules ", record, StringComparison.Ordinal);
        Assert.Contains("subject limited from 127.0.0.1", record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuleDeny_NamesTheRuleAndSaysNothingWasSigned()
    {
        const string path = "/files/acme/text/other-tenant.txt";

        var record = await RecordAfterAsync(HttpStatusCode.Forbidden, path, Get(path, TestTokens.For("bob", "globex")));

        Assert.Matches(@"^Download deny \(default-deny\) by rule default-deny@[0-9a-f]{12} on route tenant-files for /files/acme/text/other-tenant\.txt: store demo-s3, nothing signed; subject bob from 127\.0\.0\.1 \(audit-text-test/1\.0\)\.$", record);
    }

    [Fact]
    public async Task Allow_KeepsEveryField()
    {
        const string path = "/files/acme/text/allowed.txt";

        var record = await RecordAfterAsync(HttpStatusCode.Found, path, Get(path, TestTokens.For("alice", "acme")));

        Assert.Matches(
            @"^Download allow \(rule-allow\) by rule tenant-members-read@[0-9a-f]{12} on route tenant-files for /files/acme/text/allowed\.txt: store demo-s3, bucket demo, key tenants/acme/text/allowed\.txt, URL expires \S+ \(static keys, signed by s3\); subject alice from 127\.0\.0\.1 \(audit-text-test/1\.0\)\.$",
            record);
    }

    [Theory]
    [InlineData("/", null)]
    [InlineData("/metrics", null)]
    [InlineData("/no/such/path", "bearer")]
    public async Task PathThatServesNothing_IsAPlain404ProblemForApps(string path, string? withToken)
    {
        using var client = _gateway!.CreateClient(withToken is null ? null : TestTokens.For("alice", "acme"));

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"title\":\"Not found\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("bearer token", body, StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
    }

    [Fact]
    public async Task PathThatServesNothing_IsAPlain404PageForPeople()
    {
        using var client = _gateway!.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add("Sec-Fetch-Mode", "navigate");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
    }
}
