using System.Text;
using Gateway.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Audit;

/// <summary>With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, audit spans leave the process over OTLP, with nothing secret in them.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OtlpExportTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Export_EndpointSet_SendsAuditSpansWithoutSecrets()
    {
        using var collector = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        collector.Given(Request.Create().WithPath("/v1/traces").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url;
        overrides["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        overrides["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        var token = TestTokens.For("otlp-alice", "acme");
        string signature;

        await using (var gateway = await GatewayHost.StartAsync(overrides))
        {
            using var client = gateway.CreateClient(token);
            using var allowed = await client.GetAsync("/files/acme/otlp/exported.txt");
            using var denied = await gateway.CreateClient(TestTokens.For("otlp-mallory", "globex")).GetAsync("/files/acme/otlp/denied.txt");
            using var proxied = await client.GetAsync("/api/public/otlp");
            signature = DownloadAuditTestsHelpers.Signature(allowed.Headers.Location!);
        }

        // Stopping the host flushes the exporter.
        var exported = collector.LogEntries
            .Where(entry => entry.RequestMessage.Path == "/v1/traces")
            .Select(entry => Encoding.UTF8.GetString(entry.RequestMessage.BodyAsBytes ?? []))
            .Aggregate("", string.Concat);
        Assert.Contains("gateway.download", exported, StringComparison.Ordinal);
        Assert.Contains("tenants/acme/otlp/exported.txt", exported, StringComparison.Ordinal);
        Assert.Contains("otlp-alice", exported, StringComparison.Ordinal);
        Assert.Contains("default-deny", exported, StringComparison.Ordinal);
        Assert.Contains("tenant-members-read", exported, StringComparison.Ordinal);
        // ASP.NET Core's server spans are exported beside the audit spans; YARP's forwarder span, which repeats them, is not.
        Assert.Contains("Microsoft.AspNetCore", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy.forwarder", exported, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, exported, StringComparison.Ordinal);
        Assert.DoesNotContain(token, exported, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], exported, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz-Signature", exported, StringComparison.Ordinal);
    }
}

internal static class DownloadAuditTestsHelpers
{
    public static string Signature(Uri location) => Gateway.Tests.Redirect.DownloadRedirectTests.QueryOf(location)["X-Amz-Signature"];
}
