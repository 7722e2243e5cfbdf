using System.ComponentModel;
using Gateway.Configuration;

namespace Gateway.Stores;

/// <summary>
/// Where a store's signing keys come from, configured by name: <c>static</c>, <c>environment</c>, <c>tencent-sts</c>,
/// <c>aws-sts</c> or <c>aws-web-identity</c>.
/// </summary>
[TypeConverter(typeof(KebabCaseEnumConverter<CredentialSource>))]
internal enum CredentialSource
{
    /// <summary>A configured name that is none of the others; validation reports it.</summary>
    Unrecognized = -1,

    /// <summary>The configured permanent key signs.</summary>
    Static,

    /// <summary>The standard AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN variables sign.</summary>
    Environment,

    /// <summary>The configured permanent key asks Tencent STS for temporary keys, which sign.</summary>
    TencentSts,

    /// <summary>The configured permanent key asks AWS STS (AssumeRole) for temporary keys, which sign.</summary>
    AwsSts,

    /// <summary>A Kubernetes service-account token asks AWS STS (AssumeRoleWithWebIdentity) for temporary keys, which sign.</summary>
    AwsWebIdentity,
}
