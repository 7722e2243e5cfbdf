namespace Gateway.Signing.Credentials;

/// <summary>
/// One call to a credential service (an STS) that returns temporary credentials. It caches nothing and retries
/// nothing: <see cref="RefreshingCredentialsProvider"/> decides when to call it again.
/// </summary>
public interface ICredentialsSource
{
    /// <summary>Which service this is, for logs and metrics: <c>tencent-sts</c>, <c>aws-sts</c> or <c>aws-web-identity</c>.</summary>
    string Kind { get; }

    /// <summary>Asks the service for new credentials, whose <see cref="StorageCredentials.SessionToken"/> and <see cref="StorageCredentials.Expiration"/> are set.</summary>
    /// <exception cref="StsException">The service refused, failed, timed out or answered something that could not be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<StorageCredentials> FetchAsync(CancellationToken cancellationToken);
}
