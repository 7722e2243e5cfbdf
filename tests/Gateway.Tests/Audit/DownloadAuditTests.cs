using System.Diagnostics;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Audit;

/// <summary>Every decision emits a span from the gateway's source, with what happened and nothing secret.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DownloadAuditTests(GatewayFixture fixture) : IDisposable
{
    private readonly AuditSpanRecorder _audit = new();

    public void Dispose() => _audit.Dispose();

    private Activity SpanFor(string path) => _audit.For(path);

    [Fact]
    public async Task Allow_EmitsSpanWithDecisionSubjectRouteStoreBucketKeyAndExpiry()
    {
        var token = TestTokens.For("alice", "acme");
        using var client = fixture.Gateway.CreateClient(token);

        using var response = await client.GetAsync("/files/acme/audit/allow.txt");

        var span = SpanFor("/files/acme/audit/allow.txt");
        Assert.Equal(GatewayTelemetry.DownloadActivityName, span.OperationName);
        Assert.Equal("allow", span.GetTagItem(AuditTags.Decision));
        Assert.Equal("alice", span.GetTagItem(AuditTags.Subject));
        Assert.Equal("tenant-files", span.GetTagItem(AuditTags.RouteId));
        Assert.Equal("demo-s3", span.GetTagItem(AuditTags.Store));
        Assert.Equal("demo", span.GetTagItem(AuditTags.Bucket));
        Assert.Equal("tenants/acme/audit/allow.txt", span.GetTagItem(AuditTags.ObjectKey));
        Assert.Equal("static", span.GetTagItem(AuditTags.CredentialKind));
        Assert.Equal("tenant-members-read", span.GetTagItem(AuditTags.RuleId));
        Assert.Matches("^[0-9a-f]{12}$", (string)span.GetTagItem(AuditTags.RulesVersion)!);
        Assert.True(DateTimeOffset.TryParse((string)span.GetTagItem(AuditTags.UrlExpiresAt)!, out var expires));
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        var signature = DownloadRedirectTestsQuery(response.Headers.Location!)["X-Amz-Signature"];
        AssertNoSecret(span, signature, token);
    }

    [Theory]
    [InlineData("/files/acme/audit/anonymous.txt", null, "unauthenticated", "none")]
    [InlineData("/files/acme/audit/other-tenant.txt", "globex", "default-deny", "default-deny")]
    [InlineData("/files/acme/audit/drafts/plan.txt", "acme", "rule-deny", "no-drafts")]
    [InlineData("/files/acme/audit/a%5Cb", "acme", "invalid-key", "none")]
    public async Task Deny_EmitsSpanWithReasonAndDecidingRule(string path, string? tenant, string reason, string ruleId)
    {
        using var client = fixture.Gateway.CreateClient(tenant is null ? null : TestTokens.For("bob", tenant));

        using var response = await client.GetAsync(path);

        var span = Assert.Single(_audit.Spans, s => (string?)s.GetTagItem(AuditTags.Reason) == reason
            && ((string?)s.GetTagItem(AuditTags.UrlPath))!.StartsWith("/files/acme/audit/", StringComparison.Ordinal));
        Assert.Equal("deny", span.GetTagItem(AuditTags.Decision));
        Assert.Equal(ruleId, span.GetTagItem(AuditTags.RuleId));
        Assert.NotNull(span.GetTagItem(AuditTags.RulesVersion));
        Assert.Null(span.GetTagItem(AuditTags.UrlExpiresAt));
    }

    private static Dictionary<string, string> DownloadRedirectTestsQuery(Uri location) =>
        Gateway.Tests.Redirect.DownloadRedirectTests.QueryOf(location);

    private static void AssertNoSecret(Activity span, params string[] secrets)
    {
        foreach (var (_, value) in span.TagObjects)
        {
            var text = value?.ToString() ?? "";
            foreach (var secret in secrets.Append("S3RVER"))
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }
}
