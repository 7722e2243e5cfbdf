using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;
using Gateway.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Audit;

/// <summary>The collector goes away and comes back: requests never wait on export, losses are counted and warned about, export recovers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ExportFaultTests(GatewayFixture fixture)
{
    [Fact]
    public async Task CollectorStoppedThenStarted_RequestsUnaffectedLossesCountedAndExportRecovers()
    {
        var port = LoopbackPort.Free();
        var logs = new CapturingLoggerProvider();
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}";
        overrides["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        overrides["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2000";
        overrides["OTEL_BSP_SCHEDULE_DELAY"] = "50";
        await using var gateway = await GatewayHost.StartAsync(overrides, services => services.AddSingleton<ILoggerProvider>(logs));
        var telemetry = gateway.Services.GetRequiredService<GatewayTelemetry>();
        var failures = 0L;
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, telemetry.Meter) && instrument.Name == "gateway.telemetry.export.failures")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        meterListener.Start();
        using var client = gateway.CreateClient(TestTokens.For("fault-alice", "acme"));

        // The collector is down: every request still answers at once (after one that warms up the new host's code paths).
        using (var warmUp = await client.GetAsync("/files/acme/fault/warm-up.txt"))
        {
            Assert.Equal(HttpStatusCode.Found, warmUp.StatusCode);
        }

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync($"/files/acme/fault/down-{i}.txt");
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
        }

        // The counter moves just before the warning is written, so wait for both.
        await Eventually.HoldsAsync(
            () => Interlocked.Read(ref failures) > 0 && logs.Messages.Any(message => message.Contains("could not be exported", StringComparison.Ordinal)),
            "export failures were never counted and warned about");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"a request waited {slowest} while the collector was down");
        var warnings = logs.Messages.Where(message => message.Contains("could not be exported", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);

        // The collector comes back on the same address: the next audit records arrive.
        using var collector = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"] });
        collector.Given(Request.Create().WithPath("/v1/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        using var after = await client.GetAsync("/files/acme/fault/after-recovery.txt");
        await Eventually.HoldsAsync(
            () => SecretScan.Exported(collector).Contains("tenants/acme/fault/after-recovery.txt", StringComparison.Ordinal),
            "export did not recover after the collector came back");
        Assert.Single(logs.Messages, message => message.Contains("could not be exported", StringComparison.Ordinal));
    }
}
