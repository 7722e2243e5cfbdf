using System.Threading.RateLimiting;

namespace Gateway.RateLimiting;

/// <summary>A lease that holds nothing: granted, or refused with an optional Retry-After.</summary>
internal sealed class PlainLease(bool acquired, TimeSpan? retryAfter = null) : RateLimitLease
{
    /// <summary>Granted, with nothing to release.</summary>
    public static readonly PlainLease Granted = new(acquired: true);

    /// <summary>The refusal of a synchronous attempt when the answer is in Redis: it sends the middleware to the asynchronous path.</summary>
    public static readonly PlainLease Deferred = new(acquired: false);

    private static readonly string[] RetryAfterName = [MetadataName.RetryAfter.Name];

    public override bool IsAcquired => acquired;

    public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : RetryAfterName;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = retryAfter is not null && metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
        return metadata is not null;
    }
}
