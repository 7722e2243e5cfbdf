using System.ComponentModel;
using Gateway.Configuration;

namespace Gateway.Cdn;

/// <summary>How a CDN checks its links, configured by name: <c>tencent-a</c> … <c>tencent-d</c> or <c>cloudfront</c>.</summary>
[TypeConverter(typeof(KebabCaseEnumConverter<CdnKind>))]
internal enum CdnKind
{
    /// <summary>A configured name that is none of the others; validation reports it.</summary>
    Unrecognized = -1,

    /// <summary>Tencent CDN URL authentication type A.</summary>
    TencentA,

    /// <summary>Tencent CDN URL authentication type B.</summary>
    TencentB,

    /// <summary>Tencent CDN URL authentication type C.</summary>
    TencentC,

    /// <summary>Tencent CDN URL authentication type D.</summary>
    TencentD,

    /// <summary>Amazon CloudFront signed URLs.</summary>
    Cloudfront,
}
