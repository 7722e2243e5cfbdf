using Gateway.RateLimiting;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.RateLimiting;

/// <summary>The policy's two buckets on their own: both must have a token, and tokens come back with time.</summary>
public sealed class SigningRateLimitPolicyTests
{
    [Fact]
    public void Subject_And_Address_EachHaveTheirOwnBucket()
    {
        using var policy = new SigningRateLimitPolicy("p", new RateLimitPolicyOptions
        {
            PerSubject = new TokenBucketOptions { Permits = 1, Period = TimeSpan.FromHours(1), Burst = 2 },
            PerClientIp = new TokenBucketOptions { Permits = 1, Period = TimeSpan.FromHours(1), Burst = 3 },
        });

        Assert.True(Acquired(policy, new("alice", "192.0.2.1")));
        Assert.True(Acquired(policy, new("alice", "192.0.2.2")));
        Assert.False(Acquired(policy, new("alice", "192.0.2.3")), "alice's bucket is empty, whatever her address");
        Assert.True(Acquired(policy, new("bob", "192.0.2.1")));
        Assert.True(Acquired(policy, new(null, "192.0.2.1")), "an anonymous caller has only the address bucket");
        Assert.False(Acquired(policy, new("carol", "192.0.2.1")), "192.0.2.1's bucket is empty, whoever asks");
    }

    [Fact]
    public async Task Tokens_ComeBackEveryPeriod()
    {
        using var policy = new SigningRateLimitPolicy("p", new RateLimitPolicyOptions
        {
            PerSubject = new TokenBucketOptions { Permits = 1, Period = TimeSpan.FromMilliseconds(200), Burst = 1 },
        });
        var caller = new CallerKey("alice", "192.0.2.1");
        Assert.True(Acquired(policy, caller));
        Assert.False(Acquired(policy, caller));

        await Eventually.HoldsAsync(() => Acquired(policy, caller), "No token came back.");
    }

    [Fact]
    public void Rejection_SaysWhenToRetry()
    {
        using var policy = new SigningRateLimitPolicy("p", new RateLimitPolicyOptions
        {
            PerClientIp = new TokenBucketOptions { Permits = 1, Period = TimeSpan.FromSeconds(30), Burst = 1 },
        });
        var caller = new CallerKey("alice", "192.0.2.1");
        using (policy.Acquire(caller))
        {
        }

        using var rejected = policy.Acquire(caller);

        Assert.False(rejected.IsAcquired);
        Assert.Equal("30", RateLimitRegistration.RetryAfterSeconds(rejected));
    }

    [Theory]
    [InlineData(20, 1000, 100, 1, 20, 1000, 100)]
    [InlineData(20, 1000, 100, 2, 10, 1000, 50)]
    [InlineData(20, 1000, 100, 3, 6, 900, 34)]
    [InlineData(1, 3_600_000, 10, 2, 1, 7_200_000, 5)]
    [InlineData(5, 1000, 5, 10, 1, 2000, 1)]
    public void ForOneOf_SplitsTheRateAndBurstBetweenInstances(int permits, int periodMs, int burst, int instances, int sharePermits, int sharePeriodMs, int shareBurst)
    {
        var share = SigningRateLimitPolicy.ForOneOf(
            new TokenBucketOptions { Permits = permits, Period = TimeSpan.FromMilliseconds(periodMs), Burst = burst }, instances);

        Assert.Equal(sharePermits, share.Permits);
        Assert.Equal(sharePeriodMs, share.Period.TotalMilliseconds, precision: 3);
        Assert.Equal(shareBurst, share.Burst);
        Assert.Equal((double)permits / periodMs / instances, share.Permits / share.Period.TotalMilliseconds, precision: 9);
    }

    private static bool Acquired(SigningRateLimitPolicy policy, CallerKey caller)
    {
        using var lease = policy.Acquire(caller);
        return lease.IsAcquired;
    }
}
