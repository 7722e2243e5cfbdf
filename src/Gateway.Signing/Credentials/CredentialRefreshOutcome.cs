namespace Gateway.Signing.Credentials;

/// <summary>The result of one fetch by <see cref="RefreshingCredentialsProvider"/>, for the host's metrics and logs. It holds no secret.</summary>
public sealed record CredentialRefreshOutcome
{
    /// <summary>Whether new credentials were stored.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The source's <see cref="ICredentialsSource.Kind"/>.</summary>
    public required string SourceKind { get; init; }

    /// <summary>When the new credentials expire; null after a failure.</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>The service's error code after a failure, when it gave one (see <see cref="StsException.ErrorCode"/>).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Whether the failure looked transient (see <see cref="StsException.IsTransient"/>); false after a success.</summary>
    public bool IsTransient { get; init; }

    /// <summary>How many fetches in a row have failed, this one included; 0 after a success.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>When the next fetch is scheduled: the refresh ahead of expiry, or the retry.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>The failure; null after a success. An <see cref="StsException"/> message holds no secret.</summary>
    public Exception? Error { get; init; }
}
