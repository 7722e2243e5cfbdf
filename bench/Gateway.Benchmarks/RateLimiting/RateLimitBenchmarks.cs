extern alias gateway;

using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using gateway::Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Gateway.Benchmarks.RateLimiting;

/// <summary>
/// What the signing limit adds to a request: finding the caller (subject and address) and taking a token from both
/// of its buckets, against the baseline of one plain token bucket from System.Threading.RateLimiting. Buckets are
/// large enough never to reject, as on a healthy gateway.
/// </summary>
[MemoryDiagnoser]
public class RateLimitBenchmarks
{
    private const int Unlimited = 1_000_000_000;

    private readonly TokenBucketRateLimiter _baseline = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Unlimited,
        TokensPerPeriod = Unlimited,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    });

    private readonly SigningRateLimitPolicy _policy = new("signing", new RateLimitPolicyOptions
    {
        PerSubject = new TokenBucketOptions { Permits = Unlimited, Burst = Unlimited },
        PerClientIp = new TokenBucketOptions { Permits = Unlimited, Burst = Unlimited },
    });

    private readonly DefaultHttpContext _context = new();

    [GlobalSetup]
    public void Setup()
    {
        _context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")], "Bearer"));
        _context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        if (!Policy())
        {
            throw new InvalidOperationException("The benchmark's policy rejected a request.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baseline.Dispose();
        _policy.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool OneTokenBucket()
    {
        using var lease = _baseline.AttemptAcquire();
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool Policy()
    {
        using var lease = _policy.Acquire(CallerKey.From(_context));
        return lease.IsAcquired;
    }
}
