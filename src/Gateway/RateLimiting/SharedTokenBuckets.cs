using System.Threading.RateLimiting;
using Gateway.Audit;
using Gateway.Diagnostics;
using Gateway.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.RateLimiting;

/// <summary>
/// The signing limits' token buckets in Redis, shared by every instance, checked with one Lua script: one round trip
/// per request. When Redis cannot answer within <see cref="RedisOptions.Timeout"/> the caller falls back to its local
/// buckets (at the configured rate divided by <see cref="RedisOptions.ExpectedInstances"/>), which is counted and
/// logged here; Redis is tried again a second later, and shared limits resume as soon as it answers.
/// </summary>
internal sealed partial class SharedTokenBuckets(
    RedisConnection redis, IOptions<RedisOptions> options, GatewayTelemetry telemetry, TimeProvider time, ILogger<SharedTokenBuckets> logger)
{
    /// <summary>
    /// Takes <c>ARGV[1]</c> tokens from each bucket in <c>KEYS</c> order, stopping at the first that has too few: a token
    /// already taken from an earlier bucket stays spent, as with the local chained buckets. Each bucket is a hash of its
    /// tokens (<c>t</c>) and the time they were counted (<c>ts</c>, ms of Redis's own clock, so instances' clocks do not
    /// matter); it refills continuously at <c>permits / period</c> up to <c>burst</c>, and expires once it would be full
    /// again, since a missing bucket is a full one. Returns <c>{0, 0}</c> when granted, or the 1-based index of the bucket
    /// that refused and the milliseconds until it has the tokens.
    /// </summary>
    internal const string Script = """
        local now = redis.call('TIME')
        local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        local count = tonumber(ARGV[1])
        for i = 1, #KEYS do
          local permits = tonumber(ARGV[i * 3 - 1])
          local period = tonumber(ARGV[i * 3])
          local burst = tonumber(ARGV[i * 3 + 1])
          local state = redis.call('HMGET', KEYS[i], 't', 'ts')
          local tokens = tonumber(state[1])
          local ts = tonumber(state[2])
          if tokens == nil or ts == nil then
            tokens = burst
            ts = now_ms
          end
          if now_ms > ts then
            tokens = math.min(burst, tokens + (now_ms - ts) * permits / period)
          end
          if tokens < count then
            return { i, math.ceil((count - tokens) * period / permits) }
          end
          tokens = tokens - count
          redis.call('HSET', KEYS[i], 't', tokens, 'ts', now_ms)
          redis.call('PEXPIRE', KEYS[i], math.ceil((burst - tokens) * period / permits) + 1000)
        end
        return { 0, 0 }
        """;

    /// <summary>How long Redis is left alone after it failed to answer, so a dead server does not cost every request a timeout.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two warnings that Redis is unreachable.</summary>
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    private readonly RedisOptions _options = options.Value;
    private long _retryAt = long.MinValue;
    private long _lastWarning = long.MinValue;
    private int _fallingBack;

    /// <summary>True when Redis is configured: limits are shared, and local buckets are only the fallback.</summary>
    public bool IsEnabled => _options.IsEnabled;

    /// <summary>The divisor of the configured rates in the local fallback buckets.</summary>
    public int ExpectedInstances => _options.ExpectedInstances;

    /// <summary>
    /// Takes tokens from the caller's shared buckets, or returns null when Redis cannot decide now (not connected, an
    /// error, or no answer in time): the caller then decides with its local buckets and calls <see cref="FellBack"/>.
    /// </summary>
    public async ValueTask<RateLimitLease?> TryAcquireAsync(string policy, CallerKey caller, TokenBucketOptions? perSubject, TokenBucketOptions? perAddress, int permits, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (now < Volatile.Read(ref _retryAt) || !redis.TryGetDatabase(out var database))
        {
            return null;
        }

        var subject = caller.Subject is not null ? perSubject : null;
        var count = (subject is null ? 0 : 1) + (perAddress is null ? 0 : 1);
        if (count == 0)
        {
            return PlainLease.Granted;
        }

        var keys = new RedisKey[count];
        var values = new RedisValue[1 + 3 * count];
        values[0] = permits;
        var next = 0;
        if (subject is not null)
        {
            Bucket(next++, $"{redis.KeyPrefix}{{rl:{policy}}}:s:{caller.Subject}", subject, keys, values);
        }

        if (perAddress is not null)
        {
            Bucket(next, $"{redis.KeyPrefix}{{rl:{policy}}}:a:{caller.ClientAddress}", perAddress, keys, values);
        }

        RedisResult result;
        var evaluation = database.ScriptEvaluateAsync(Script, keys, values);
        try
        {
            result = await evaluation.WaitAsync(_options.Timeout, time, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A call given up on may still fail later: observe it, so its exception is not left unobserved.
            _ = evaluation.ContinueWith(static failed => _ = failed.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            Volatile.Write(ref _retryAt, time.GetTimestamp() + (long)(RetryDelay.TotalSeconds * time.TimestampFrequency));
            Unreachable(ex.GetType().Name);
            return null;
        }

        if (Interlocked.Exchange(ref _fallingBack, 0) == 1)
        {
            Log.Restored(logger);
        }

        var answer = (RedisResult[])result!;
        return (int)answer[0] == 0 ? PlainLease.Granted : new PlainLease(acquired: false, TimeSpan.FromMilliseconds((long)answer[1]));
    }

    /// <summary>Counts one decision made by the local fallback buckets, and warns (at most every 30 s) that limits are per instance.</summary>
    public void FellBack()
    {
        telemetry.RateLimitFallbacks.Add(1);
        Unreachable(redis.IsConnected ? "no answer" : "not connected");
    }

    private void Unreachable(string reason)
    {
        Volatile.Write(ref _fallingBack, 1);
        var now = time.GetTimestamp();
        var last = Volatile.Read(ref _lastWarning);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= WarningInterval) && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            Log.Unreachable(logger, reason, _options.ExpectedInstances);
        }
    }

    private static void Bucket(int index, string key, TokenBucketOptions bucket, RedisKey[] keys, RedisValue[] values)
    {
        keys[index] = key;
        values[1 + 3 * index] = bucket.Permits;
        values[2 + 3 * index] = (long)Math.Ceiling(bucket.Period.TotalMilliseconds);
        values[3 + 3 * index] = bucket.Burst;
    }

    private static partial class Log
    {
        [LoggerMessage(LogEvents.RedisUnreachable, LogLevel.Warning,
            "Redis is unreachable ({Reason}): signing limits are kept by each instance, at the configured rates divided by {ExpectedInstances}, until it answers again.")]
        public static partial void Unreachable(ILogger logger, string reason, int expectedInstances);

        [LoggerMessage(LogEvents.RedisRestored, LogLevel.Information, "Redis answers again: signing limits are shared by every instance.")]
        public static partial void Restored(ILogger logger);
    }
}
