using System.Collections.Frozen;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.RateLimiting;

/// <summary>The configured policies by name, built once at start-up and shared by the middleware and the batch endpoint.</summary>
internal sealed class SigningRateLimits(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly FrozenDictionary<string, SigningRateLimitPolicy> _policies = options.Value.RateLimits.Policies
        .ToFrozenDictionary(entry => entry.Key, entry => new SigningRateLimitPolicy(entry.Key, entry.Value), StringComparer.Ordinal);

    public IEnumerable<SigningRateLimitPolicy> All => _policies.Values;

    /// <summary>The policy of that name, or null when the route turned limiting off.</summary>
    public SigningRateLimitPolicy? Find(string? name) => name is null ? null : _policies.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var policy in _policies.Values)
        {
            policy.Dispose();
        }
    }
}
