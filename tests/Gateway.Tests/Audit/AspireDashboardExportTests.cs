using System.Diagnostics;
using System.Net;
using Gateway.Audit;
using Gateway.Authorization;
using Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.Tests.Audit;

/// <summary>
/// End to end through a real OTLP receiver: the gateway exports its audit records over OTLP/HTTP to the Aspire Dashboard,
/// and what the dashboard stored is read back from its telemetry API.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AspireDashboardExportTests(GatewayFixture fixture, ITestOutputHelper output)
{
    private const string ServiceName = "gateway-under-test";
    private const string AllowedPath = "/files/acme/dashboard/allowed.txt";
    private const string DeniedPath = "/files/acme/dashboard/denied.txt";
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Export_AspireDashboard_ReceivesAuditSpansAndLogsWithoutSecrets()
    {
        var clock = Stopwatch.StartNew();
        await using var dashboard = await AspireDashboardProcess.StartAsync();
        output.WriteLine($"Dashboard answering after {clock.ElapsedMilliseconds} ms.");
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpHttpEndpoint.ToString();
        overrides["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        overrides["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        overrides["OTEL_BLRP_SCHEDULE_DELAY"] = "100";
        overrides["OTEL_SERVICE_NAME"] = ServiceName;
        var token = TestTokens.For("alice", "acme");
        var otherToken = TestTokens.For("mallory", "globex");
        await using var gateway = await GatewayHost.StartAsync(overrides);
        var rulesVersion = gateway.Services.GetRequiredService<RuleSetProvider>().Current.Version;

        using var allowed = await gateway.CreateClient(token).GetAsync(AllowedPath);
        using var denied = await gateway.CreateClient(otherToken).GetAsync(DeniedPath);

        Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var signature = DownloadAuditTestsHelpers.Signature(allowed.Headers.Location!);
        clock.Restart();

        // The audit spans are told apart by their paths: every gateway host in this process records every
        // host's ASP.NET Core and audit activities, so the dashboard holds more than this gateway's requests.
        var spans = await AspireDashboardProcess.PollAsync(
            cancellationToken => dashboard.GetSpansAsync(cancellationToken: cancellationToken),
            items => AuditSpan(items, AllowedPath) is not null && AuditSpan(items, DeniedPath) is not null,
            ArrivalTimeout);
        output.WriteLine($"Audit spans in the dashboard after {clock.ElapsedMilliseconds} ms.");
        output.WriteLine("Spans in the dashboard: " + Summary(spans.Items.Select(span => $"{span.Resource.GetValueOrDefault("service.name")}/{span.Scope}/{span.Name}")));

        var allow = Assert.Single(spans.Items, span => IsAudit(span, AllowedPath));
        Assert.Equal(GatewayTelemetry.Name, allow.Scope);
        Assert.Equal("allow", allow.Attributes[AuditTags.Decision]);
        Assert.Equal("tenant-members-read", allow.Attributes[AuditTags.RuleId]);
        Assert.Equal(rulesVersion, allow.Attributes[AuditTags.RulesVersion]);
        Assert.Equal("alice", allow.Attributes[AuditTags.Subject]);
        Assert.Equal("tenants/acme/dashboard/allowed.txt", allow.Attributes[AuditTags.ObjectKey]);
        Assert.Equal("demo-s3", allow.Attributes[AuditTags.Store]);

        var deny = Assert.Single(spans.Items, span => IsAudit(span, DeniedPath));
        Assert.Equal("deny", deny.Attributes[AuditTags.Decision]);
        Assert.Equal("default-deny", deny.Attributes[AuditTags.RuleId]);
        Assert.Equal(rulesVersion, deny.Attributes[AuditTags.RulesVersion]);
        Assert.Equal("mallory", deny.Attributes[AuditTags.Subject]);
        Assert.Equal("demo-s3", deny.Attributes[AuditTags.Store]);
        Assert.False(deny.Attributes.ContainsKey(AuditTags.ObjectKey));

        // The audit log records carry the same decisions and point at the audit spans.
        var logs = await AspireDashboardProcess.PollAsync(
            cancellationToken => dashboard.GetLogsAsync(cancellationToken: cancellationToken),
            items => AuditLog(items, AllowedPath) is not null && AuditLog(items, DeniedPath) is not null,
            ArrivalTimeout);
        output.WriteLine($"Audit log records in the dashboard after {clock.ElapsedMilliseconds} ms.");
        output.WriteLine("Log records in the dashboard: " + Summary(logs.Items.Select(record => $"{record.Resource.GetValueOrDefault("service.name")}/{record.Scope}")));

        var allowLog = AuditLog(logs.Items, AllowedPath);
        Assert.NotNull(allowLog);
        Assert.Equal((allow.TraceId, allow.SpanId), (allowLog.TraceId, allowLog.SpanId));
        Assert.Equal("allow", allowLog.Attributes["Decision"]);
        Assert.Equal("tenant-members-read", allowLog.Attributes["RuleId"]);
        Assert.Equal(rulesVersion, allowLog.Attributes["RulesVersion"]);
        Assert.Equal("alice", allowLog.Attributes["Subject"]);
        Assert.Equal("tenants/acme/dashboard/allowed.txt", allowLog.Attributes["ObjectKey"]);
        Assert.Equal("demo-s3", allowLog.Attributes["Store"]);

        var denyLog = AuditLog(logs.Items, DeniedPath);
        Assert.NotNull(denyLog);
        Assert.Equal((deny.TraceId, deny.SpanId), (denyLog.TraceId, denyLog.SpanId));
        Assert.Equal("deny", denyLog.Attributes["Decision"]);
        Assert.Equal("default-deny", denyLog.Attributes["RuleId"]);
        Assert.Equal("mallory", denyLog.Attributes["Subject"]);

        // Nothing the dashboard holds, in any attribute, body or resource of any span or log record, is a secret.
        foreach (var json in new[] { spans.Json, logs.Json })
        {
            Assert.DoesNotContain(token, json, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], json, StringComparison.Ordinal);
            Assert.DoesNotContain(otherToken.Split('.')[2], json, StringComparison.Ordinal);
            Assert.DoesNotContain("X-Amz-Signature", json, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(signature, json, StringComparison.Ordinal);
        }

        // Both signals name the service as OTEL_SERVICE_NAME says.
        Assert.Equal(ServiceName, allowLog.Resource.GetValueOrDefault("service.name"));
        Assert.Equal(ServiceName, allow.Resource.GetValueOrDefault("service.name"));
        Assert.Equal(ServiceName, deny.Resource.GetValueOrDefault("service.name"));
    }

    private static bool IsAudit(DashboardSpan span, string path) =>
        span.Name == GatewayTelemetry.DownloadActivityName && span.Attributes.GetValueOrDefault(AuditTags.UrlPath) == path;

    private static DashboardSpan? AuditSpan(IReadOnlyList<DashboardSpan> spans, string path) =>
        spans.FirstOrDefault(span => IsAudit(span, path));

    private static DashboardLogRecord? AuditLog(IReadOnlyList<DashboardLogRecord> records, string path) =>
        records.SingleOrDefault(record => record.Scope == typeof(DownloadAudit).FullName && record.Attributes.GetValueOrDefault("UrlPath") == path);

    private static string Summary(IEnumerable<string> names) =>
        string.Join(", ", names.GroupBy(name => name, StringComparer.Ordinal).Select(group => $"{group.Key} ×{group.Count()}"));
}
