namespace Gateway.Redirect;

/// <summary>How long a signed URL may live.</summary>
internal static class UrlLifetime
{
    /// <summary>The shortest lifetime worth handing out.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Returns the route's lifetime, cut so the URL never outlives the credentials that sign it,
    /// in whole seconds. A result below <see cref="Minimum"/> means the credentials are (nearly) expired.
    /// </summary>
    public static TimeSpan Clamp(TimeSpan routeLifetime, DateTimeOffset now, DateTimeOffset? credentialsExpiration)
    {
        var lifetime = credentialsExpiration is { } expiration && expiration - now < routeLifetime
            ? expiration - now
            : routeLifetime;
        return lifetime <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Floor(lifetime.TotalSeconds));
    }
}
