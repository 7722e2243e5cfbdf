namespace Gateway.RateLimiting;

/// <summary>
/// <c>Gateway:RateLimits</c>: named signing limits. A download route names one with YARP's <c>RateLimiterPolicy</c>;
/// a download route that names none gets <see cref="DefaultPolicy"/>, so signing is never unlimited by accident.
/// </summary>
internal sealed record RateLimitOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:RateLimits";

    /// <summary>The value of a route's <c>RateLimiterPolicy</c> that turns limiting off for it, deliberately.</summary>
    public const string Disable = "Disable";

    /// <summary>The policy of download routes that name none.</summary>
    public string DefaultPolicy { get; init; } = "signing";

    /// <summary>The policies by name.</summary>
    public Dictionary<string, RateLimitPolicyOptions> Policies { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>One policy: a token bucket per subject and one per client address; a request needs a token from both.</summary>
internal sealed record RateLimitPolicyOptions
{
    /// <summary>The bucket of each authenticated subject (<c>sub</c>); anonymous callers have only the address bucket.</summary>
    public TokenBucketOptions? PerSubject { get; init; }

    /// <summary>The bucket of each client address (IPv6 grouped by /64), after trusted forwarded headers.</summary>
    public TokenBucketOptions? PerClientIp { get; init; }
}

/// <summary>A token bucket: <see cref="Permits"/> tokens come back every <see cref="Period"/>, up to <see cref="Burst"/>.</summary>
internal sealed record TokenBucketOptions
{
    /// <summary>Tokens added every period.</summary>
    public int Permits { get; init; }

    /// <summary>How often tokens are added.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The most tokens a bucket holds, which is also the largest burst allowed after a quiet spell.</summary>
    public int Burst { get; init; }
}
