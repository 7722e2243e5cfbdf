using Gateway.Signing.Credentials;

namespace Gateway.Stores;

/// <summary>Turns a store's <see cref="StsOptions"/> into the signing library's STS options, with the generated policy.</summary>
internal static class StsSettings
{
    public static TencentStsOptions Tencent(StoreOptions store, StsOptions sts, string policy)
    {
        var defaults = new TencentStsOptions();
        return new TencentStsOptions
        {
            Endpoint = sts.Endpoint ?? defaults.Endpoint,
            Region = sts.Region ?? store.Region ?? "",
            Action = sts.Action ?? defaults.Action,
            Name = sts.Name ?? "gateway",
            RoleArn = sts.RoleArn,
            RoleSessionName = sts.RoleSessionName,
            DurationSeconds = sts.DurationSeconds ?? defaults.DurationSeconds,
            Policy = policy,
        };
    }

    public static AwsStsOptions Aws(CredentialOptions credentials, IConfiguration environment, string policy)
    {
        var sts = credentials.Sts;
        var defaults = new AwsStsOptions();
        var webIdentity = credentials.Source == CredentialSource.AwsWebIdentity;
        return new AwsStsOptions
        {
            Endpoint = sts.Endpoint ?? defaults.Endpoint,
            Region = sts.Region ?? defaults.Region,
            RoleArn = sts.RoleArn ?? (webIdentity ? environment["AWS_ROLE_ARN"] : null) ?? "",
            RoleSessionName = sts.RoleSessionName,
            DurationSeconds = sts.DurationSeconds ?? defaults.DurationSeconds,
            Policy = policy,
            WebIdentityTokenFile = webIdentity ? sts.WebIdentityTokenFile ?? environment["AWS_WEB_IDENTITY_TOKEN_FILE"] : null,
        };
    }
}
