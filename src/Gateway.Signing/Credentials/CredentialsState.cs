namespace Gateway.Signing.Credentials;

/// <summary>The health of a <see cref="RefreshingCredentialsProvider"/>, for readiness checks.</summary>
public enum CredentialsState
{
    /// <summary>Valid credentials are cached and the last refresh succeeded.</summary>
    Ready,

    /// <summary>Valid credentials are cached and a refresh is under way.</summary>
    Refreshing,

    /// <summary>Valid credentials are still cached, but the last refresh failed; it is being retried.</summary>
    Failing,

    /// <summary>No valid credentials: none were fetched yet, or the last ones expired. Signing fails until a fetch succeeds.</summary>
    Expired,
}
