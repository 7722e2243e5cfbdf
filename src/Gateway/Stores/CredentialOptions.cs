namespace Gateway.Stores;

/// <summary>
/// Where a store's signing keys come from. Secrets come from a configuration provider or a mounted file, never
/// from committed files. With an STS source the permanent key only asks for temporary keys, which sign the URLs.
/// </summary>
internal sealed record CredentialOptions
{
    /// <summary>
    /// <c>static</c> (the key below signs), <c>environment</c> (the standard AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
    /// AWS_SESSION_TOKEN variables), <c>tencent-sts</c>, <c>aws-sts</c> (the key below asks STS for temporary keys),
    /// or <c>aws-web-identity</c> (a Kubernetes service-account token asks AWS STS).
    /// </summary>
    public CredentialSource Source { get; init; } = CredentialSource.Static;

    /// <summary>The access key id (COS SecretId, AWS AccessKeyId).</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The secret key, from an environment variable or user secrets.</summary>
    public string? SecretKey { get; init; }

    /// <summary>A file holding the secret key, such as a mounted Kubernetes secret.</summary>
    public string? SecretKeyFile { get; init; }

    /// <summary>Optional session token, for temporary keys handed to the gateway from outside.</summary>
    public string? SessionToken { get; init; }

    /// <summary>The STS call, for the <c>tencent-sts</c>, <c>aws-sts</c> and <c>aws-web-identity</c> sources.</summary>
    public StsOptions Sts { get; init; } = new();

    /// <summary>Whether the source uses the configured permanent key (to sign URLs or to call STS).</summary>
    public bool UsesPermanentKey => Source is CredentialSource.Static or CredentialSource.TencentSts or CredentialSource.AwsSts;

    /// <summary>Whether the source signs with temporary keys from STS, requested with a generated access policy.</summary>
    public bool UsesSts => Source is CredentialSource.TencentSts or CredentialSource.AwsSts or CredentialSource.AwsWebIdentity;
}

/// <summary>How temporary keys are requested. The access policy is generated from the routes, never configured.</summary>
internal sealed record StsOptions
{
    /// <summary>Optional STS endpoint; the vendor's global endpoint when empty.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The STS region (Tencent: required; AWS: default us-east-1).</summary>
    public string? Region { get; init; }

    /// <summary>Tencent: <c>GetFederationToken</c> (default) or <c>AssumeRole</c>.</summary>
    public string? Action { get; init; }

    /// <summary>Tencent GetFederationToken: the federated user's name.</summary>
    public string? Name { get; init; }

    /// <summary>The role to assume (Tencent AssumeRole, AWS AssumeRole and web identity); for web identity defaults to AWS_ROLE_ARN.</summary>
    public string? RoleArn { get; init; }

    /// <summary>The session name recorded by the vendor.</summary>
    public string RoleSessionName { get; init; } = "gateway";

    /// <summary>How long the temporary keys live; signed URLs are cut to their expiry.</summary>
    public int? DurationSeconds { get; init; }

    /// <summary>The service-account token file for web identity; defaults to AWS_WEB_IDENTITY_TOKEN_FILE.</summary>
    public string? WebIdentityTokenFile { get; init; }
}
