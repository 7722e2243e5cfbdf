using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Gateway.RateLimiting;

/// <summary>
/// One configured policy: a token bucket per subject and one per client address, so a request is let through only
/// when both have a token. Registered with ASP.NET Core rate limiting under its name; a batch's items each pass
/// through the rate-limiting middleware, so each link counts once.
/// </summary>
internal sealed class SigningRateLimitPolicy : IRateLimiterPolicy<CallerKey>, IDisposable
{
    private readonly PartitionedRateLimiter<string>? _bySubject;
    private readonly PartitionedRateLimiter<string>? _byAddress;
    private readonly Func<CallerKey, RateLimiter> _createCallerLimiter;

    public SigningRateLimitPolicy(string name, RateLimitPolicyOptions options)
    {
        Name = name;
        _bySubject = options.PerSubject is { } perSubject ? Buckets(perSubject) : null;
        _byAddress = options.PerClientIp is { } perAddress ? Buckets(perAddress) : null;
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

        return _byAddress?.AttemptAcquire(caller.ClientAddress, permits) ?? GrantedLease.Instance;
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

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Volatile.Write(ref _lastUsed, Environment.TickCount64);
            return policy.Acquire(caller, permitCount);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            new(AttemptAcquireCore(permitCount));
    }

    /// <summary>The lease of a policy without an address bucket, for a caller without a subject.</summary>
    private sealed class GrantedLease : RateLimitLease
    {
        public static readonly GrantedLease Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
