namespace Gateway.Signing.Credentials;

/// <summary>Supplies the current credentials for one store.</summary>
public interface ICredentialsProvider
{
    /// <summary>What kind of credentials this provider hands out, for audit records ("static", "sts", ...).</summary>
    string Kind { get; }

    /// <summary>Returns credentials that are valid now. Cheap when they are cached.</summary>
    ValueTask<StorageCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}
