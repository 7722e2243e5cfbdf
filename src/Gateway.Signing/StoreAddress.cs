namespace Gateway.Signing;

/// <summary>Where a bucket is reached, and which address goes into the signed URL.</summary>
public sealed record StoreAddress
{
    /// <summary>The bucket name (for COS including the APPID suffix, e.g. <c>examplebucket-1250000000</c>).</summary>
    public required string Bucket { get; init; }

    /// <summary>The region, e.g. <c>ap-guangzhou</c> or <c>us-east-1</c>.</summary>
    public required string Region { get; init; }

    /// <summary>
    /// The service endpoint (http or https scheme, host and optional port; no path, query or user info), e.g. <c>http://127.0.0.1:4568</c>.
    /// Null means the vendor's default: <c>https://{bucket}.cos.{region}.myqcloud.com</c> or <c>https://{bucket}.s3.{region}.amazonaws.com</c>.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>True puts the bucket in the path (<c>{endpoint}/{bucket}/{key}</c>); false puts it in the host (<c>{bucket}.{endpoint host}</c>).</summary>
    public bool ForcePathStyle { get; init; }

    /// <summary>Optional scheme and host (and port) for the returned URL, such as a CDN or custom domain; no path, query or user info. The signature still covers the signing host.</summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>
    /// Whether <paramref name="uri"/> is acceptable as <see cref="Endpoint"/> or <see cref="PublicBaseUrl"/>: an absolute
    /// http or https URL with no path, query, fragment or user info. Only scheme and authority are used, so anything else
    /// would be silently dropped: it is refused instead.
    /// </summary>
    public static bool IsOrigin(Uri uri) =>
        uri.IsAbsoluteUri
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0
        && uri.AbsolutePath == "/"
        && uri.Query.Length == 0
        && uri.Fragment.Length == 0;
}
