using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>The gateway's own settings: the <c>Gateway</c> configuration section.</summary>
internal sealed record GatewayOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway";

    /// <summary>The storage backends, by name. Download routes refer to them by that name.</summary>
    public Dictionary<string, StoreOptions> Stores { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The lifetime of a signed URL when a route does not set one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan DefaultUrlLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Authorization policies that routes can name, by name.</summary>
    public Dictionary<string, PolicyOptions> Policies { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The authorization rules file.</summary>
    [ValidateObjectMembers]
    public RulesOptions Rules { get; init; } = new();

    /// <summary>The admin endpoints.</summary>
    public AdminOptions Admin { get; init; } = new();

    /// <summary>The existence check of routes with <c>Download.CheckExists</c>.</summary>
    [ValidateObjectMembers]
    public ExistenceCheckOptions ExistenceCheck { get; init; } = new();

    /// <summary>The signing rate limits that download routes name.</summary>
    public RateLimiting.RateLimitOptions RateLimits { get; init; } = new();
}

/// <summary>How routes with <c>Download.CheckExists</c> ask the store whether an object exists.</summary>
internal sealed record ExistenceCheckOptions
{
    /// <summary>How long an answer (exists or missing) is remembered; zero asks the store every time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the store.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>When the store cannot be asked: true redirects anyway, false (the default) answers 502.</summary>
    public bool FailOpen { get; init; }
}

/// <summary>Where the authorization rules live.</summary>
internal sealed record RulesOptions
{
    /// <summary>The rules file, relative to the configuration folder unless absolute. Edits take effect without a restart.</summary>
    [Required]
    public string File { get; init; } = "rules/access.json";
}

/// <summary>The admin endpoints, such as <c>POST /admin/explain</c>.</summary>
internal sealed record AdminOptions
{
    /// <summary>The policy (a key of <c>Gateway:Policies</c>) an admin caller must satisfy; admin endpoints are off when empty.</summary>
    public string? Policy { get; init; }
}

/// <summary>One storage backend and how to sign for it.</summary>
internal sealed record StoreOptions
{
    /// <summary>The signing protocol: <c>cos</c> (COS XML q-sign) or <c>s3</c> (SigV4).</summary>
    [Required]
    public string? Provider { get; init; }

    /// <summary>The bucket name; for COS including its APPID suffix.</summary>
    [Required]
    public string? Bucket { get; init; }

    /// <summary>The region, for example <c>ap-guangzhou</c> or <c>us-east-1</c>.</summary>
    [Required]
    public string? Region { get; init; }

    /// <summary>Optional service endpoint (scheme, host, port); the vendor's default when empty.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Put the bucket in the path rather than the host (MinIO, s3rver, Ceph).</summary>
    public bool ForcePathStyle { get; init; }

    /// <summary>Optional scheme and host for the Location (CDN or custom domain).</summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>Where the signing keys come from.</summary>
    [Required]
    public CredentialOptions? Credentials { get; init; }
}

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
    public string Source { get; init; } = CredentialSources.Static;

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

/// <summary>The credential sources a store can use.</summary>
internal static class CredentialSources
{
    public const string Static = "static";
    public const string Environment = "environment";
    public const string TencentSts = "tencent-sts";
    public const string AwsSts = "aws-sts";
    public const string AwsWebIdentity = "aws-web-identity";

    public static readonly string[] All = [Static, Environment, TencentSts, AwsSts, AwsWebIdentity];

    /// <summary>Whether the source uses a configured permanent key (to sign URLs or to call STS).</summary>
    public static bool NeedsPermanentKey(string source) => source is Static or TencentSts or AwsSts;
}

/// <summary>A named authorization policy: an authenticated caller with every listed claim.</summary>
internal sealed record PolicyOptions
{
    /// <summary>Claims the caller must have, each with one of the listed values.</summary>
    public Dictionary<string, string[]> RequiredClaims { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Claim types the caller must have, with any value.</summary>
    public List<string> RequiredClaimTypes { get; init; } = [];
}
