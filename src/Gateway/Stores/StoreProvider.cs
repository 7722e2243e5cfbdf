using System.ComponentModel;
using Gateway.Configuration;

namespace Gateway.Stores;

/// <summary>The signing protocol of a store, configured by name: <c>cos</c> or <c>s3</c>.</summary>
[TypeConverter(typeof(KebabCaseEnumConverter<StoreProvider>))]
internal enum StoreProvider
{
    /// <summary>A configured name that is none of the others; validation reports it.</summary>
    Unrecognized = -1,

    /// <summary>Tencent COS XML API, <c>q-sign-algorithm=sha1</c>.</summary>
    Cos,

    /// <summary>S3 SigV4 query signing: AWS, MinIO, R2, Ceph, COS's S3 API.</summary>
    S3,
}
