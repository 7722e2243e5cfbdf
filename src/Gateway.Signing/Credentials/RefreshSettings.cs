namespace Gateway.Signing.Credentials;

/// <summary>When <see cref="RefreshingCredentialsProvider"/> refreshes, and how it backs off after a failure.</summary>
public sealed record RefreshSettings
{
    /// <summary>The share of the lifetime the default refresh-ahead time is.</summary>
    internal const double DefaultRefreshAheadFraction = 0.2;

    /// <summary>The smallest default refresh-ahead time.</summary>
    internal static readonly TimeSpan MinDefaultRefreshAhead = TimeSpan.FromMinutes(1);

    /// <summary>The largest default refresh-ahead time.</summary>
    internal static readonly TimeSpan MaxDefaultRefreshAhead = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long before expiry to refresh. Null (the default): 20 % of the credentials' lifetime, at least 1 minute and at
    /// most 15 minutes. Either way it is capped at half the lifetime, so short-lived credentials cannot cause a refresh loop.
    /// </summary>
    public TimeSpan? RefreshAhead { get; init; }

    /// <summary>The first delay before retrying a failed refresh; each further failure doubles it, with jitter.</summary>
    public TimeSpan MinRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between retries.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Credentials this close to their expiry count as expired, so a URL signed with them still works when used.</summary>
    public TimeSpan ExpiryMargin { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every setting and returns one message per problem; each names the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RefreshAhead is { } ahead && ahead <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(RefreshAhead)} must be positive.");
        }

        if (MinRetryDelay <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(MinRetryDelay)} must be positive.");
        }

        if (MaxRetryDelay < MinRetryDelay)
        {
            errors.Add($"{nameof(MaxRetryDelay)} must not be less than {nameof(MinRetryDelay)}.");
        }

        if (ExpiryMargin < TimeSpan.Zero)
        {
            errors.Add($"{nameof(ExpiryMargin)} must not be negative.");
        }

        return errors;
    }

    /// <summary>How long before expiry credentials that live <paramref name="lifetime"/> are refreshed.</summary>
    internal TimeSpan RefreshAheadFor(TimeSpan lifetime)
    {
        TimeSpan ahead = RefreshAhead ?? Clamp(lifetime * DefaultRefreshAheadFraction, MinDefaultRefreshAhead, MaxDefaultRefreshAhead);
        TimeSpan half = lifetime / 2;
        return ahead < half ? ahead : half;
    }

    /// <summary>The un-jittered delay after <paramref name="failures"/> failures in a row: MinRetryDelay doubled each time, capped.</summary>
    internal TimeSpan RetryDelayFor(int failures)
    {
        double ticks = MinRetryDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 62));
        return ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
