using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Gateway.Stores;

/// <summary>The stores and how their objects are checked: <c>Gateway:Stores</c> and <c>Gateway:ExistenceCheck</c>.</summary>
internal sealed record StoresOptions
{
    /// <summary>The configuration section these options bind to; other features bind their own keys of it.</summary>
    public const string SectionName = "Gateway";

    /// <summary>The storage backends, by name. Download routes refer to them by that name.</summary>
    public Dictionary<string, StoreOptions> Stores { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The existence check of routes with <c>Download.CheckExists</c>.</summary>
    [ValidateObjectMembers]
    public ExistenceCheckOptions ExistenceCheck { get; init; } = new();
}

/// <summary>One storage backend and how to sign for it.</summary>
internal sealed record StoreOptions
{
    /// <summary>The signing protocol: <c>cos</c> (COS XML q-sign) or <c>s3</c> (SigV4).</summary>
    [Required]
    public StoreProvider? Provider { get; init; }

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

    /// <summary>Optional CDN (a name under <c>Gateway:Cdns</c>) whose signed links its routes hand out instead of the bucket's.</summary>
    public string? Cdn { get; init; }
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
