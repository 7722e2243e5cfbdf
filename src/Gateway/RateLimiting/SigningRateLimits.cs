using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Gateway.RateLimiting;

/// <summary>The configured policies, built once at start-up and registered with ASP.NET Core rate limiting; shared through Redis when it is configured.</summary>
internal sealed class SigningRateLimits(IOptions<RateLimitOptions> options, SharedTokenBuckets shared) : IDisposable
{
    private readonly FrozenDictionary<string, SigningRateLimitPolicy> _policies = options.Value.Policies
        .ToFrozenDictionary(entry => entry.Key, entry => new SigningRateLimitPolicy(entry.Key, entry.Value, shared), StringComparer.Ordinal);

    public IEnumerable<SigningRateLimitPolicy> All => _policies.Values;

    public void Dispose()
    {
        foreach (var policy in _policies.Values)
        {
            policy.Dispose();
        }
    }
}
