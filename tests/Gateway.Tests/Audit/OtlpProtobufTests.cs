using System.Globalization;
using Gateway.Tests.Infrastructure;
using Gateway.Tests.Otlp;
using Gateway.Tests.Otlp.Proto.Common;
using Gateway.Tests.Otlp.Proto.Logs;
using Gateway.Tests.Otlp.Proto.Trace;
using Gateway.Tests.Redirect;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Audit;

/// <summary>
/// The audit records as they leave the process: OTLP/HTTP protobuf bodies captured by a WireMock collector and
/// decoded with the OTLP messages compiled from <c>Otlp/**/*.proto</c>, so every attribute is checked by key and type.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class OtlpProtobufTests(GatewayFixture fixture)
{
    private const string ServiceName = "otlp-bytes-test";
    private const string AllowedAgent = "otlp-bytes-client/1.0 (allow)";
    private const string DeniedAgent = "otlp-bytes-client/1.0 (deny)";

    private static readonly string[] CommonSpanKeys =
    [
        "gateway.decision", "gateway.reason", "gateway.rule.id", "gateway.rules.version",
        "enduser.id", "gateway.claim.tenant", "client.address", "user_agent.original",
        "gateway.route.id", "http.route", "http.request.method", "url.path", "gateway.store",
    ];

    private static readonly string[] SignedSpanKeys = ["gateway.bucket", "gateway.object.key", "gateway.url.expires_at", "gateway.credential.kind", "gateway.signer"];

    [Fact]
    public async Task Export_AllowAndDeny_DecodedAuditSpansAndLogsCarryExactTypedAttributes()
    {
        using var collector = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        foreach (var path in new[] { OtlpCapture.TracesPath, OtlpCapture.LogsPath, "/v1/metrics" })
        {
            collector.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        }

        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url;
        overrides["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        overrides["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        overrides["OTEL_SERVICE_NAME"] = ServiceName;

        var run = Guid.NewGuid().ToString("N");
        var allowedPath = $"/files/acme/otlp-bytes/{run}/report.txt";
        var deniedPath = $"/files/acme/otlp-bytes/{run}/denied.txt";
        var allowToken = TestTokens.For("alice", "acme");
        var denyToken = TestTokens.For("mallory", "globex");
        Uri location;
        DateTimeOffset before, after;

        await using (var gateway = await GatewayHost.StartAsync(overrides))
        {
            using var allowClient = gateway.CreateClient(allowToken);
            allowClient.DefaultRequestHeaders.UserAgent.ParseAdd(AllowedAgent);
            using var denyClient = gateway.CreateClient(denyToken);
            denyClient.DefaultRequestHeaders.UserAgent.ParseAdd(DeniedAgent);

            before = DateTimeOffset.UtcNow;
            using var allowed = await allowClient.GetAsync(allowedPath);
            after = DateTimeOffset.UtcNow;
            using var denied = await denyClient.GetAsync(deniedPath);

            Assert.Equal(System.Net.HttpStatusCode.Found, allowed.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, denied.StatusCode);
            location = allowed.Headers.Location!;
        }

        // Stopping the host flushed the exporters: everything is in the collector's request log now.
        var traces = OtlpCapture.TraceRequests(collector);
        var logs = OtlpCapture.LogRequests(collector);
        Assert.NotEmpty(traces);
        Assert.NotEmpty(logs);

        var auditSpans = OtlpCapture.Spans(traces)
            .Where(captured => captured.Scope.Name == "Gateway" && captured.Span.Name == "gateway.download")
            .ToList();
        var allowSpan = Assert.Single(auditSpans, captured => UrlPath(captured.Span.Attributes) == allowedPath);
        var denySpan = Assert.Single(auditSpans, captured => UrlPath(captured.Span.Attributes) == deniedPath);

        // The allowed download: every field, exactly, and as a string.
        var query = DownloadRedirectTests.QueryOf(location);
        var allow = OtlpCapture.Attributes(allowSpan.Span.Attributes);
        Assert.Equal([.. CommonSpanKeys.Concat(SignedSpanKeys).Order(StringComparer.Ordinal)], allow.Keys.Order(StringComparer.Ordinal));
        AssertString("allow", allow, "gateway.decision");
        AssertString("rule-allow", allow, "gateway.reason");
        AssertString("tenant-members-read", allow, "gateway.rule.id");
        Assert.Matches("^[0-9a-f]{12}$", String(allow, "gateway.rules.version"));
        AssertString("alice", allow, "enduser.id");
        AssertString("acme", allow, "gateway.claim.tenant");
        AssertString("127.0.0.1", allow, "client.address");
        AssertString(AllowedAgent, allow, "user_agent.original");
        AssertString("tenant-files", allow, "gateway.route.id");
        AssertString("/files/{tenant}/{**path}", allow, "http.route");
        AssertString("GET", allow, "http.request.method");
        AssertString(allowedPath, allow, "url.path");
        AssertString("demo-s3", allow, "gateway.store");
        AssertString("demo", allow, "gateway.bucket");
        AssertString($"tenants/acme/otlp-bytes/{run}/report.txt", allow, "gateway.object.key");
        AssertString("static", allow, "gateway.credential.kind");
        AssertString("s3", allow, "gateway.signer");

        // The expiry is the signed URL's own: X-Amz-Date plus X-Amz-Expires (300 s), to within the second X-Amz-Date truncates.
        var expiresAt = DateTimeOffset.Parse(String(allow, "gateway.url.expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.InRange(expiresAt, before.AddMinutes(5).AddSeconds(-1), after.AddMinutes(5).AddSeconds(1));
        var signedAt = DateTimeOffset.ParseExact(query["X-Amz-Date"], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal("300", query["X-Amz-Expires"]);
        Assert.InRange(expiresAt - signedAt, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(301));

        // The denied download: the same fields for the other tenant, and nothing about a signed URL.
        var deny = OtlpCapture.Attributes(denySpan.Span.Attributes);
        Assert.Equal([.. CommonSpanKeys.Order(StringComparer.Ordinal)], deny.Keys.Order(StringComparer.Ordinal));
        AssertString("deny", deny, "gateway.decision");
        AssertString("default-deny", deny, "gateway.reason");
        AssertString("default-deny", deny, "gateway.rule.id");
        AssertString(String(allow, "gateway.rules.version"), deny, "gateway.rules.version");
        AssertString("mallory", deny, "enduser.id");
        AssertString("globex", deny, "gateway.claim.tenant");
        AssertString("127.0.0.1", deny, "client.address");
        AssertString(DeniedAgent, deny, "user_agent.original");
        AssertString("tenant-files", deny, "gateway.route.id");
        AssertString("/files/{tenant}/{**path}", deny, "http.route");
        AssertString("GET", deny, "http.request.method");
        AssertString(deniedPath, deny, "url.path");
        AssertString("demo-s3", deny, "gateway.store");
        foreach (var key in SignedSpanKeys)
        {
            Assert.DoesNotContain(key, deny.Keys);
        }

        foreach (var captured in new[] { allowSpan, denySpan })
        {
            Assert.Equal(Span.Types.SpanKind.Internal, captured.Span.Kind);
            Assert.Equal(16, captured.Span.TraceId.Length);
            Assert.Equal(8, captured.Span.SpanId.Length);
            Assert.NotEqual(Status.Types.StatusCode.Error, captured.Span.Status?.Code ?? Status.Types.StatusCode.Unset);
            Assert.True(captured.Span.EndTimeUnixNano >= captured.Span.StartTimeUnixNano);
            AssertResource(captured.Resource.Attributes);
        }

        Assert.NotEqual(allowSpan.Span.TraceId, denySpan.Span.TraceId);

        // Each decision's audit log record is correlated with its span by trace id (and span id), with the same fields.
        var auditLogs = OtlpCapture.Logs(logs).Where(captured => captured.Scope.Name == "Gateway.Audit.DownloadAudit").ToList();
        var allowLog = Assert.Single(auditLogs, captured => UrlPath(captured.Record.Attributes, "UrlPath") == allowedPath);
        var denyLog = Assert.Single(auditLogs, captured => UrlPath(captured.Record.Attributes, "UrlPath") == deniedPath);
        foreach (var (log, span) in new[] { (allowLog, allowSpan), (denyLog, denySpan) })
        {
            Assert.Equal(OtlpCapture.Hex(span.Span.TraceId), OtlpCapture.Hex(log.Record.TraceId));
            Assert.Equal(OtlpCapture.Hex(span.Span.SpanId), OtlpCapture.Hex(log.Record.SpanId));
            Assert.Equal(SeverityNumber.Info, log.Record.SeverityNumber);
            AssertResource(log.Resource.Attributes);
        }

        var allowRecord = OtlpCapture.Attributes(allowLog.Record.Attributes);
        AssertString("allow", allowRecord, "Decision");
        AssertString("tenant-members-read", allowRecord, "RuleId");
        AssertString($"tenants/acme/otlp-bytes/{run}/report.txt", allowRecord, "ObjectKey");
        AssertString(String(allow, "gateway.url.expires_at"), allowRecord, "UrlExpiresAt");
        var denyRecord = OtlpCapture.Attributes(denyLog.Record.Attributes);
        AssertString("deny", denyRecord, "Decision");
        AssertString("default-deny", denyRecord, "RuleId");
        foreach (var key in new[] { "Bucket", "ObjectKey", "UrlExpiresAt", "CredentialKind", "Signer" })
        {
            // The log template always names these fields; a denial leaves them without a value.
            Assert.True(!denyRecord.TryGetValue(key, out var value) || value.ValueCase == AnyValue.ValueOneofCase.None, $"Denied log record has a value for '{key}'.");
        }

        // Nothing secret anywhere: no bearer token (nor its signature part), no signature parameter, no signature value.
        var signature = query["X-Amz-Signature"];
        var forbidden = new[] { allowToken, allowToken.Split('.')[2], denyToken, denyToken.Split('.')[2], "X-Amz-Signature", signature };
        var texts = OtlpCapture.AllText(traces, logs).ToList();
        Assert.NotEmpty(texts);
        foreach (var secret in forbidden)
        {
            Assert.False(texts.Any(text => text.Contains(secret, StringComparison.Ordinal)), $"Telemetry contains a forbidden value starting '{secret[..6]}'.");
        }
    }

    private static string? UrlPath(IEnumerable<KeyValue> attributes, string key = "url.path") =>
        attributes.FirstOrDefault(attribute => attribute.Key == key)?.Value?.StringValue;

    private static string String(Dictionary<string, AnyValue> attributes, string key)
    {
        Assert.True(attributes.TryGetValue(key, out var value), $"Attribute '{key}' is missing.");
        Assert.True(value.ValueCase == AnyValue.ValueOneofCase.StringValue, $"Attribute '{key}' is a {value.ValueCase}, not a string.");
        return value.StringValue;
    }

    private static void AssertString(string expected, Dictionary<string, AnyValue> attributes, string key) =>
        Assert.Equal(expected, String(attributes, key));

    private static void AssertResource(IEnumerable<KeyValue> resource)
    {
        var attributes = OtlpCapture.Attributes(resource);
        AssertString(ServiceName, attributes, "service.name");

        // The product's version from Directory.Build.props, as --version shows it.
        AssertString(Gateway.Hosting.GatewayVersion.Current, attributes, "service.version");
        Assert.Matches(@"^\d+\.\d+\.\d+", Gateway.Hosting.GatewayVersion.Current);
        Assert.False(string.IsNullOrWhiteSpace(String(attributes, "service.instance.id")));
    }
}
