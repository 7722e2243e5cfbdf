namespace Gateway.Signing.Credentials;

/// <summary>An immutable set of keys that signs URLs for one store.</summary>
/// <remarks><see cref="ToString"/> never prints the secret or the token.</remarks>
public sealed record StorageCredentials
{
    /// <summary>The access key id (COS SecretId, AWS AccessKeyId). Not secret; it appears in signed URLs.</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>The secret key. Never logged, traced or returned.</summary>
    public required string SecretKey { get; init; }

    /// <summary>The security token of temporary credentials; null for permanent keys.</summary>
    public string? SessionToken { get; init; }

    /// <summary>When temporary credentials expire; null for permanent keys.</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>Whether these are temporary (STS) credentials.</summary>
    public bool IsTemporary => SessionToken is not null;

    /// <inheritdoc />
    public override string ToString() =>
        $"StorageCredentials {{ AccessKeyId = {AccessKeyId}, Temporary = {IsTemporary}, Expiration = {Expiration:O} }}";
}
