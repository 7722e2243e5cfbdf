using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Gateway.RateLimiting;

/// <summary>
/// One configured policy: a token bucket per subject chained with one per client address, so a request is let through
/// only when both have a token. Registered with ASP.NET Core rate limiting under its name, and used directly by the
/// batch endpoint, which counts one signature per link.
/// </summary>
internal sealed class SigningRateLimitPolicy : IRateLimiterPolicy<CallerKey>, IDisposable
{
    private readonly PartitionedRateLimiter<CallerKey> _limiter;
    private readonly Func<CallerKey, RateLimiter> _createCallerLimiter;

    public SigningRateLimitPolicy(string name, RateLimitPolicyOptions options)
    {
        Name = name;
        var bySubject = PartitionedRateLimiter.Create<CallerKey, string>(caller =>
            caller.Subject is { } subject && options.PerSubject is { } bucket
                ? RateLimitPartition.GetTokenBucketLimiter(subject, _ => ToLimiterOptions(bucket))
                : RateLimitPartition.GetNoLimiter(""));
        var byAddress = PartitionedRateLimiter.Create<CallerKey, string>(caller =>
            options.PerClientIp is { } bucket
                ? RateLimitPartition.GetTokenBucketLimiter(caller.ClientAddress, _ => ToLimiterOptions(bucket))
                : RateLimitPartition.GetNoLimiter(""));
        _limiter = PartitionedRateLimiter.CreateChained(bySubject, byAddress);
        _createCallerLimiter = caller => new CallerLimiter(_limiter, caller);
    }

    /// <summary>The policy's name, which routes use.</summary>
    public string Name { get; }

    /// <summary>Rejections are answered by <see cref="RateLimitRegistration"/> for every policy alike.</summary>
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<CallerKey> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.Get(CallerKey.From(httpContext), _createCallerLimiter);

    /// <summary>Takes one token for <paramref name="caller"/> from both buckets, or returns a lease that says why not.</summary>
    public RateLimitLease Acquire(CallerKey caller) => _limiter.AttemptAcquire(caller);

    public void Dispose() => _limiter.Dispose();

    private static TokenBucketRateLimiterOptions ToLimiterOptions(TokenBucketOptions bucket) => new()
    {
        TokenLimit = bucket.Burst,
        TokensPerPeriod = bucket.Permits,
        ReplenishmentPeriod = bucket.Period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>
    /// The limiter ASP.NET Core keeps for one caller: it only forwards to the policy's shared buckets, which own the
    /// state, so dropping it when idle loses nothing.
    /// </summary>
    private sealed class CallerLimiter(PartitionedRateLimiter<CallerKey> limiter, CallerKey caller) : RateLimiter
    {
        private long _lastUsed = Environment.TickCount64;

        public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastUsed));

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Volatile.Write(ref _lastUsed, Environment.TickCount64);
            return limiter.AttemptAcquire(caller, permitCount);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            new(AttemptAcquireCore(permitCount));
    }
}
