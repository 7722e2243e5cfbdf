namespace Gateway.Configuration;

/// <summary>The signing protocols a store can use.</summary>
internal static class StoreProviders
{
    /// <summary>Tencent COS XML API, <c>q-sign-algorithm=sha1</c>.</summary>
    public const string Cos = "cos";

    /// <summary>S3 SigV4 query signing: AWS, MinIO, R2, Ceph, COS's S3 API.</summary>
    public const string S3 = "s3";
}
