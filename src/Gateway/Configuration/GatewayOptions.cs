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
    [ValidateObjectMembers]
    public CredentialOptions? Credentials { get; init; }
}

/// <summary>Static signing keys. The secret comes from a configuration provider or a mounted file, never from committed files.</summary>
internal sealed record CredentialOptions
{
    /// <summary>The access key id (COS SecretId, AWS AccessKeyId).</summary>
    [Required]
    public string? AccessKeyId { get; init; }

    /// <summary>The secret key, from an environment variable or user secrets.</summary>
    public string? SecretKey { get; init; }

    /// <summary>A file holding the secret key, such as a mounted Kubernetes secret.</summary>
    public string? SecretKeyFile { get; init; }

    /// <summary>Optional session token, for temporary keys handed to the gateway from outside.</summary>
    public string? SessionToken { get; init; }
}

/// <summary>A named authorization policy: an authenticated caller with every listed claim.</summary>
internal sealed record PolicyOptions
{
    /// <summary>Claims the caller must have, each with one of the listed values.</summary>
    public Dictionary<string, string[]> RequiredClaims { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Claim types the caller must have, with any value.</summary>
    public List<string> RequiredClaimTypes { get; init; } = [];
}
