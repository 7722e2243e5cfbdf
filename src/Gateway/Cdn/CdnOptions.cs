namespace Gateway.Cdn;

/// <summary>The CDNs that download links can be signed for: <c>Gateway:Cdns</c>.</summary>
internal sealed record CdnOptions
{
    /// <summary>The configuration section these options bind to; other features bind their own keys of it.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Where a route's <c>Download.Cdn</c> of <c>none</c> turns off its store's CDN.</summary>
    public const string None = "none";

    /// <summary>The CDNs, by name. Stores (<c>Cdn</c>) and routes (<c>Download.Cdn</c>) refer to them by that name.</summary>
    public Dictionary<string, CdnSignerOptions> Cdns { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>One CDN domain and the keys that sign links for it.</summary>
internal sealed record CdnSignerOptions
{
    /// <summary>How the CDN checks links: <c>tencent-a</c>, <c>tencent-b</c>, <c>tencent-c</c>, <c>tencent-d</c> or <c>cloudfront</c>.</summary>
    public CdnKind? Kind { get; init; }

    /// <summary>The CDN domain the Location points at: scheme and host, no path.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Tencent: the URL authentication key, from an environment variable or user secrets.</summary>
    public string? AuthKey { get; init; }

    /// <summary>Tencent: or a file holding the key, such as a mounted Kubernetes secret.</summary>
    public string? AuthKeyFile { get; init; }

    /// <summary>Tencent: the validity set in the CDN console; a link is accepted until its timestamp plus this.</summary>
    public TimeSpan? Validity { get; init; }

    /// <summary>Tencent types A and D: the signature's query parameter (default <c>sign</c>).</summary>
    public string SignParameter { get; init; } = "sign";

    /// <summary>Tencent type D: the timestamp's query parameter (default <c>t</c>).</summary>
    public string TimestampParameter { get; init; } = "t";

    /// <summary>Tencent type D: the timestamp in hexadecimal, as the console's option says.</summary>
    public bool HexTimestamp { get; init; }

    /// <summary>CloudFront: the public key id of the distribution's trusted key group.</summary>
    public string? KeyPairId { get; init; }

    /// <summary>CloudFront: the RSA private key in PEM, from an environment variable or user secrets.</summary>
    public string? PrivateKey { get; init; }

    /// <summary>CloudFront: or a file holding it, such as a mounted Kubernetes secret.</summary>
    public string? PrivateKeyFile { get; init; }

    /// <summary>CloudFront: sign a custom policy that starts at the signing time.</summary>
    public bool StartTime { get; init; }

    /// <summary>CloudFront: the prefix length of the caller's IPv4 range, for routes with <c>Download.CdnClientAddress</c>.</summary>
    public int ClientAddressPrefix { get; init; } = 32;

    /// <summary>Whether the kind is one of Tencent's.</summary>
    public bool IsTencent => Kind is CdnKind.TencentA or CdnKind.TencentB or CdnKind.TencentC or CdnKind.TencentD;
}
