using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Audit;
using Gateway.Redis;
using Gateway.Tests.Infrastructure;
using Gateway.TestSupport;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Gateway.Tests.Redis;

/// <summary>
/// Two gateway instances sharing one real redis-server: signing limits are global, a Data Protection payload made by
/// one opens on the other, and with Redis gone they keep serving on local limits, then share again once it is back.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SharedStateTests(RedisFixture fixture, ITestOutputHelper output)
{
    private const string Tenant = "acme";

    [Fact]
    public async Task TwoInstances_BurstFromOneSubject_IsLimitedToTheGlobalBurst()
    {
        const int burst = 10;
        var overrides = Overrides(permits: 1, period: "01:00:00", burst: burst);
        await using var first = await GatewayHost.StartAsync(overrides);
        await using var second = await GatewayHost.StartAsync(overrides);

        var (allowed, limited, failed) = await AlternateAsync([first, second], "burst-subject", 3 * burst);

        output.WriteLine($"burst: {allowed} allowed of {3 * burst} across 2 instances; configured burst {burst}");
        Assert.Equal(burst, allowed);
        Assert.Equal(2 * burst, limited);
        Assert.Equal(0, failed);
    }

    [Fact]
    public async Task TwoInstances_SustainedLoadFromOneSubject_IsLimitedToTheGlobalRate()
    {
        const int permits = 20;
        var overrides = Overrides(permits: permits, period: "00:00:01", burst: permits);
        await using var first = await GatewayHost.StartAsync(overrides);
        await using var second = await GatewayHost.StartAsync(overrides);
        using var warmUp = first.CreateClient(TestTokens.For("rate-warm-up", Tenant));
        (await warmUp.GetAsync("/files/acme/rate/warm-up.txt")).Dispose();
        using var warmUpSecond = second.CreateClient(TestTokens.For("rate-warm-up", Tenant));
        (await warmUpSecond.GetAsync("/files/acme/rate/warm-up.txt")).Dispose();

        var token = TestTokens.For("rate-subject", Tenant);
        var duration = TimeSpan.FromSeconds(3);
        var allowed = 0;
        var failed = 0;
        var clock = Stopwatch.StartNew();
        var workers = new[] { first, second }.SelectMany(gateway => Enumerable.Range(0, 4).Select(async worker =>
        {
            using var client = gateway.CreateClient(token);
            var i = 0;
            while (clock.Elapsed < duration)
            {
                using var response = await client.GetAsync($"/files/acme/rate/{worker}-{i++}.txt");
                if (response.StatusCode == HttpStatusCode.Found)
                {
                    Interlocked.Increment(ref allowed);
                }
                else if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;

        // A full bucket, then the refill over the run: local buckets would allow twice this.
        var expected = permits + permits * elapsed.TotalSeconds;
        output.WriteLine($"rate: {allowed} allowed in {elapsed.TotalSeconds:0.00} s across 2 instances; configured {expected:0} ({allowed / expected:P1})");
        Assert.Equal(0, failed);
        Assert.InRange(allowed, expected * 0.9, expected * 1.1);
    }

    [Fact]
    public async Task DataProtection_PayloadProtectedByOneInstance_IsUnprotectedByTheOther()
    {
        var overrides = Overrides(permits: 1000, period: "00:00:01", burst: 1000);
        await using var first = await GatewayHost.StartAsync(overrides);
        await using var second = await GatewayHost.StartAsync(overrides);

        var payload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-state-test").Protect("hello from the first instance");
        var unprotected = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-state-test").Unprotect(payload);

        Assert.Equal("hello from the first instance", unprotected);
        var stored = await StoredKeyRingAsync(overrides);
        Assert.Single(stored);
    }

    [Fact]
    public async Task DataProtection_WithACertificate_KeysAreEncryptedInRedisAndSharedAllTheSame()
    {
        using var directory = new TemporaryDirectory();
        var certificate = Path.Combine(directory.Path, "key-ring.pfx");
        const string password = "test-only-key-ring-password";
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=gateway key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(certificate, created.Export(X509ContentType.Pkcs12, password));
        }

        var overrides = Overrides(permits: 1000, period: "00:00:01", burst: 1000);
        overrides["Gateway:Redis:DataProtectionCertificate"] = certificate;
        overrides["Gateway:Redis:DataProtectionCertificatePassword"] = password;
        await using var first = await GatewayHost.StartAsync(overrides);
        await using var second = await GatewayHost.StartAsync(overrides);

        var payload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-state-test").Protect("sealed");
        var unprotected = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-state-test").Unprotect(payload);

        Assert.Equal("sealed", unprotected);
        var key = Assert.Single(await StoredKeyRingAsync(overrides));
        Assert.Contains("EncryptedData", key, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisStoppedMidRun_DownloadsGoOnWithLocalLimits_ThenLimitsAreGlobalAgain()
    {
        const int burst = 10;
        var overrides = Overrides(permits: 1, period: "01:00:00", burst: burst);
        overrides["Gateway:Redis:ExpectedInstances"] = "2";
        var firstLogs = new CapturingLoggerProvider();
        var secondLogs = new CapturingLoggerProvider();
        await using var first = await GatewayHost.StartAsync(overrides, services => services.AddSingleton<ILoggerProvider>(firstLogs));
        await using var second = await GatewayHost.StartAsync(overrides, services => services.AddSingleton<ILoggerProvider>(secondLogs));
        var fallbacks = 0L;
        using var meters = new MeterListener();
        var telemetry = new[] { first, second }.Select(gateway => gateway.Services.GetRequiredService<GatewayTelemetry>().Meter).ToHashSet();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (telemetry.Contains(instrument.Meter) && instrument.Name == "gateway.ratelimit.fallbacks")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref fallbacks, value));
        meters.Start();

        var before = await AlternateAsync([first, second], "outage-before", 4);
        Assert.Equal((4, 0, 0), before);
        Assert.Equal(0, Interlocked.Read(ref fallbacks));

        await fixture.Redis.StopAsync();
        var requests = 0;
        var failures = 0;
        var slowest = TimeSpan.Zero;
        try
        {
            // Many callers, each within its limit: every download is signed.
            for (var i = 0; i < 20; i++)
            {
                var gateway = i % 2 == 0 ? first : second;
                using var client = gateway.CreateClient(TestTokens.For($"outage-caller-{i}", Tenant));
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync($"/files/acme/outage/{i}.txt");
                slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
                requests++;
                failures += response.StatusCode == HttpStatusCode.Found ? 0 : 1;
            }

            // One caller over its limit: each instance allows its share, the burst divided by ExpectedInstances.
            var during = await AlternateAsync([first, second], "outage-during", 3 * burst);
            requests += 3 * burst;
            output.WriteLine($"outage: {requests} requests, {failures + during.Failed} failed (5xx or other), slowest {slowest.TotalMilliseconds:0} ms; fallback burst {during.Allowed} allowed of configured {burst}");
            Assert.Equal(0, failures);
            Assert.Equal(0, during.Failed);
            Assert.Equal(burst, during.Allowed);
            Assert.True(slowest < TimeSpan.FromSeconds(1), $"a request waited {slowest} while Redis was down");
            Assert.True(Interlocked.Read(ref fallbacks) >= requests, $"{fallbacks} fallbacks counted for {requests} requests");
            Assert.Single(firstLogs.Messages, Unreachable);
            Assert.Single(secondLogs.Messages, Unreachable);
        }
        finally
        {
            await fixture.Redis.StartAgainAsync();
        }

        // Redis is back (empty): once both instances have reconnected, the limit is global again.
        await Eventually.HoldsAsync(
            () => first.Services.GetRequiredService<RedisConnection>().IsConnected && second.Services.GetRequiredService<RedisConnection>().IsConnected,
            "the gateways did not reconnect to Redis");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var countedBefore = Interlocked.Read(ref fallbacks);
        var after = await AlternateAsync([first, second], "outage-after", 3 * burst);

        Assert.Equal((burst, 2 * burst, 0), after);
        Assert.Equal(countedBefore, Interlocked.Read(ref fallbacks));
        Assert.Contains(firstLogs.Messages, message => message.Contains("Redis answers again", StringComparison.Ordinal));
        Assert.Single(firstLogs.Messages, Unreachable);
    }

    [Fact]
    public async Task RedisUnreachableAtStartUp_GatewayStartsAndServesOnLocalLimits()
    {
        var overrides = Overrides(permits: 1, period: "01:00:00", burst: 2);
        overrides["Gateway:Redis:Configuration"] = $"127.0.0.1:{LoopbackPort.Free()}";
        var logs = new CapturingLoggerProvider();
        var clock = Stopwatch.StartNew();
        await using var gateway = await GatewayHost.StartAsync(overrides, services => services.AddSingleton<ILoggerProvider>(logs));
        var started = clock.Elapsed;

        var (allowed, limited, failed) = await AlternateAsync([gateway], "never-redis", 3);

        output.WriteLine($"started in {started.TotalSeconds:0.0} s with no Redis");
        Assert.Equal((2, 1, 0), (allowed, limited, failed));
        Assert.Single(logs.Messages, Unreachable);
    }

    private static bool Unreachable(string message) => message.StartsWith("Redis is unreachable", StringComparison.Ordinal);

    /// <summary>The committed configuration with one signing limit per subject, shared through this fixture's Redis under a key prefix of its own.</summary>
    private Dictionary<string, string?> Overrides(int permits, string period, int burst)
    {
        var nowhere = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var overrides = GatewayFixture.Overrides(nowhere, nowhere);
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = $"{permits}";
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Period"] = period;
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Burst"] = $"{burst}";
        overrides["Gateway:Redis:Configuration"] = fixture.Redis.Configuration;
        overrides["Gateway:Redis:KeyPrefix"] = $"test-{Guid.NewGuid():N}:";
        return overrides;
    }

    /// <summary>Sends <paramref name="count"/> downloads as <paramref name="subject"/>, one instance after the other.</summary>
    private static async Task<(int Allowed, int Limited, int Failed)> AlternateAsync(GatewayHost[] gateways, string subject, int count)
    {
        var token = TestTokens.For(subject, Tenant);
        var clients = gateways.Select(gateway => gateway.CreateClient(token)).ToArray();
        var (allowed, limited, failed) = (0, 0, 0);
        try
        {
            for (var i = 0; i < count; i++)
            {
                using var response = await clients[i % clients.Length].GetAsync($"/files/acme/{subject}/{i}.txt");
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Found: allowed++; break;
                    case HttpStatusCode.TooManyRequests: limited++; break;
                    default: failed++; break;
                }
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        return (allowed, limited, failed);
    }

    private async Task<string[]> StoredKeyRingAsync(Dictionary<string, string?> overrides)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.Configuration);
        var keys = await connection.GetDatabase().ListRangeAsync(overrides["Gateway:Redis:KeyPrefix"] + RedisKeyRing.KeyRingKey);
        return [.. keys.Select(key => key.ToString())];
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("gateway-redis-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
