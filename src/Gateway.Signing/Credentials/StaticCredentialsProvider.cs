namespace Gateway.Signing.Credentials;

/// <summary>Hands out one fixed set of credentials.</summary>
public sealed class StaticCredentialsProvider(StorageCredentials credentials) : ICredentialsProvider
{
    private readonly ValueTask<StorageCredentials> _credentials = ValueTask.FromResult(credentials);

    /// <inheritdoc />
    public string Kind => credentials.IsTemporary ? "temporary" : "static";

    /// <inheritdoc />
    public ValueTask<StorageCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => _credentials;
}
