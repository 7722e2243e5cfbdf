using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Gateway.RateLimiting;

/// <summary>
/// One configured policy: a token bucket per subject and one per client address, so a request is let through only
/// when both have a token. Registered with ASP.NET Core rate limiting under its name; a batch's items each pass
/// through the rate-limiting middleware, so each link counts once. With Redis the buckets are shared by every
/// instance (<see cref="SharedTokenBuckets"/>), and the local ones, at the rate divided by the expected number of
/// instances, decide only while Redis cannot.
/// </summary>
internal sealed class SigningRateLimitPolicy : IRateLimiterPolicy<CallerKey>, IDisposable
{
    private readonly PartitionedRateLimiter<string>? _bySubject;
    private readonly PartitionedRateLimiter<string>? _byAddress;
    private readonly Func<CallerKey, RateLimiter> _createCallerLimiter;
    private readonly RateLimitPolicyOptions _options;
    private readonly SharedTokenBuckets? _shared;

    public SigningRateLimitPolicy(string name, RateLimitPolicyOptions options, SharedTokenBuckets? shared = null)
    {
        Name = name;
        _options = options;
        _shared = shared is { IsEnabled: true } ? shared : null;
        var instances = _shared?.ExpectedInstances ?? 1;
        _bySubject = options.PerSubject is { } perSubject ? Buckets(ForOneOf(perSubject, instances)) : null;
        _byAddress = options.PerClientIp is { } perAddress ? Buckets(ForOneOf(perAddress, instances)) : null;
        _createCallerLimiter = caller => new CallerLimiter(this, caller);
    }

    /// <summary>The policy's name, which routes use.</summary>
    public string Name { get; }

    /// <summary>Rejections are answered by <see cref="RateLimitRegistration"/> for every policy alike.</summary>
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<CallerKey> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.Get(CallerKey.From(httpContext), _createCallerLimiter);

    /// <summary>
    /// Takes tokens for <paramref name="caller"/> from its subject's bucket, then its address's, or returns the lease
    /// that says why not. A token bucket's lease holds nothing, so a token taken from the first bucket stays spent
    /// when the second refuses, as in a chained limiter.
    /// </summary>
    public RateLimitLease Acquire(CallerKey caller, int permits = 1)
    {
        if (caller.Subject is { } subject && _bySubject is { } bySubject)
        {
            var lease = bySubject.AttemptAcquire(subject, permits);
            if (!lease.IsAcquired)
            {
                return lease;
            }

            lease.Dispose();
        }

        return _byAddress?.AttemptAcquire(caller.ClientAddress, permits) ?? PlainLease.Granted;
    }

    /// <summary>
    /// Takes tokens from the shared buckets in Redis, or, when Redis cannot answer in time, from the local ones. Never
    /// throws because of Redis.
    /// </summary>
    public async ValueTask<RateLimitLease> AcquireSharedAsync(CallerKey caller, int permits, CancellationToken cancellationToken)
    {
        if (await _shared!.TryAcquireAsync(Name, caller, _options.PerSubject, _options.PerClientIp, permits, cancellationToken) is { } lease)
        {
            return lease;
        }

        _shared.FellBack();
        return Acquire(caller, permits);
    }

    /// <summary>
    /// One instance's share of <paramref name="bucket"/> when <paramref name="instances"/> share it: the same burst and
    /// rate divided between them, with whole tokens per period (the period grows instead) and at least one token.
    /// </summary>
    internal static TokenBucketOptions ForOneOf(TokenBucketOptions bucket, int instances)
    {
        if (instances == 1)
        {
            return bucket;
        }

        var permits = Math.Max(1, bucket.Permits / instances);
        return new TokenBucketOptions
        {
            Permits = permits,
            Period = bucket.Period * ((double)instances * permits / bucket.Permits),
            Burst = Math.Max(permits, (int)Math.Ceiling((double)bucket.Burst / instances)),
        };
    }

    public void Dispose()
    {
        _bySubject?.Dispose();
        _byAddress?.Dispose();
    }

    // One bucket per key, created on first use and dropped once full and idle; the partitioned limiter's own timer
    // refills them all, so a bucket needs no timer of its own. One options object and one factory serve every key.
    private static PartitionedRateLimiter<string> Buckets(TokenBucketOptions bucket)
    {
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = bucket.Burst,
            TokensPerPeriod = bucket.Permits,
            ReplenishmentPeriod = bucket.Period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        Func<string, RateLimiter> create = _ => new TokenBucketRateLimiter(options);
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, create), StringComparer.Ordinal);
    }

    /// <summary>
    /// The limiter ASP.NET Core keeps for one caller: it only forwards to the policy's shared buckets, which own the
    /// state, so dropping it when idle loses nothing.
    /// </summary>
    private sealed class CallerLimiter(SigningRateLimitPolicy policy, CallerKey caller) : RateLimiter
    {
        private long _lastUsed = Environment.TickCount64;

        public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastUsed));

        public override RateLimiterStatistics? GetStatistics() => null;

        // With Redis the answer needs a round trip, so the synchronous attempt defers: the rate-limiting middleware
        // tries AttemptAcquire first and, when it is refused, AcquireAsync, which asks Redis without blocking a thread.
        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Volatile.Write(ref _lastUsed, Environment.TickCount64);
            return policy._shared is null ? policy.Acquire(caller, permitCount) : PlainLease.Deferred;
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            Volatile.Write(ref _lastUsed, Environment.TickCount64);
            return policy._shared is null ? new(policy.Acquire(caller, permitCount)) : policy.AcquireSharedAsync(caller, permitCount, cancellationToken);
        }
    }
}
