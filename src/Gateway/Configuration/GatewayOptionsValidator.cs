using Gateway.RateLimiting;
using Gateway.Routing;
using Gateway.Signing;
using Gateway.Stores;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Configuration;

/// <summary>Checks data annotations on <see cref="GatewayOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class GatewayOptionsAnnotationsValidator : IValidateOptions<GatewayOptions>;

/// <summary>Checks data annotations on one <see cref="StoreOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsAnnotationsValidator : IValidateOptions<StoreOptions>;

/// <summary>
/// Checks the rules that span settings: each store, and each download route against the stores.
/// Every error is reported, and each names its setting, never its value.
/// </summary>
internal sealed class GatewayOptionsValidator(IConfiguration configuration, IHostEnvironment environment, IProxyConfigProvider proxyConfig) : IValidateOptions<GatewayOptions>
{
    private static readonly string[] Providers = [StoreProviders.Cos, StoreProviders.S3];

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new GatewayOptionsAnnotationsValidator().Validate(name, options));

        foreach (var (storeName, store) in options.Stores)
        {
            ValidateStore($"{GatewayOptions.SectionName}:Stores:{storeName}", store, builder);
        }

        if (options.Admin.Policy is { Length: > 0 } adminPolicy && !options.Policies.ContainsKey(adminPolicy))
        {
            builder.AddError("names a policy that is not configured under Gateway:Policies", $"{GatewayOptions.SectionName}:Admin:Policy");
        }

        ValidateRateLimits(options.RateLimits, builder);

        foreach (var route in proxyConfig.GetConfig().Routes)
        {
            foreach (var error in DownloadRouteCompiler.Validate(route, options))
            {
                builder.AddError(error, $"ReverseProxy:Routes:{route.RouteId}");
            }
        }

        return builder.Build();
    }

    private static void ValidateRateLimits(RateLimitOptions limits, ValidateOptionsResultBuilder builder)
    {
        var path = $"{GatewayOptions.SectionName}:RateLimits";
        if (!limits.Policies.ContainsKey(limits.DefaultPolicy))
        {
            builder.AddError("names a policy that is not configured under Gateway:RateLimits:Policies", $"{path}:DefaultPolicy");
        }

        foreach (var (name, policy) in limits.Policies)
        {
            if (string.Equals(name, RateLimitOptions.Disable, StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Default", StringComparison.OrdinalIgnoreCase))
            {
                builder.AddError("is a reserved name", $"{path}:Policies:{name}");
            }

            if (policy.PerSubject is null && policy.PerClientIp is null)
            {
                builder.AddError("needs PerSubject, PerClientIp or both", $"{path}:Policies:{name}");
            }

            ValidateBucket(policy.PerSubject, $"{path}:Policies:{name}:PerSubject", builder);
            ValidateBucket(policy.PerClientIp, $"{path}:Policies:{name}:PerClientIp", builder);
        }
    }

    private static void ValidateBucket(TokenBucketOptions? bucket, string path, ValidateOptionsResultBuilder builder)
    {
        if (bucket is null)
        {
            return;
        }

        if (bucket.Permits < 1)
        {
            builder.AddError("must be at least 1", $"{path}:Permits");
        }

        if (bucket.Burst < Math.Max(1, bucket.Permits))
        {
            builder.AddError("must be at least Permits (and at least 1)", $"{path}:Burst");
        }

        if (bucket.Period < TimeSpan.FromMilliseconds(100) || bucket.Period > TimeSpan.FromHours(1))
        {
            builder.AddError("must be from 00:00:00.1 to 01:00:00", $"{path}:Period");
        }
    }

    private void ValidateStore(string path, StoreOptions store, ValidateOptionsResultBuilder builder)
    {
        builder.AddResult(new StoreOptionsAnnotationsValidator().Validate(path, store));

        if (store.Provider is not null && !Providers.Contains(store.Provider, StringComparer.Ordinal))
        {
            builder.AddError($"must be one of: {string.Join(", ", Providers)}", $"{path}:Provider");
        }

        if (store.Endpoint is { } endpoint && !StoreAddress.IsOrigin(endpoint))
        {
            builder.AddError("must be an absolute http or https URL with no path, query or user info", $"{path}:Endpoint");
        }

        if (store.PublicBaseUrl is { } publicBase && !StoreAddress.IsOrigin(publicBase))
        {
            builder.AddError("must be an absolute http or https URL with no path, query or user info", $"{path}:PublicBaseUrl");
        }

        if (store.Credentials is { } credentials)
        {
            ValidateCredentials($"{path}:Credentials", store, credentials, builder);
        }
    }

    private void ValidateCredentials(string path, StoreOptions store, CredentialOptions credentials, ValidateOptionsResultBuilder builder)
    {
        if (!CredentialSources.All.Contains(credentials.Source, StringComparer.Ordinal))
        {
            builder.AddError($"must be one of: {string.Join(", ", CredentialSources.All)}", $"{path}:Source");
            return;
        }

        if (CredentialSources.NeedsPermanentKey(credentials.Source))
        {
            if (string.IsNullOrEmpty(credentials.AccessKeyId))
            {
                builder.AddError("is required", $"{path}:AccessKeyId");
            }

            var hasSecret = !string.IsNullOrEmpty(credentials.SecretKey);
            var hasFile = !string.IsNullOrEmpty(credentials.SecretKeyFile);
            if (hasSecret == hasFile)
            {
                builder.AddError("needs exactly one of SecretKey (environment variable or user secrets) and SecretKeyFile", path);
            }
            else if (hasFile && !File.Exists(credentials.SecretKeyFile))
            {
                builder.AddError("names a file that does not exist", $"{path}:SecretKeyFile");
            }
        }

        // The demo stores' secrets are published with the gateway: outside Development one means a copied demo setting.
        if (!environment.IsDevelopment() && DemoSecrets.IsDemo(credentials.SecretKey))
        {
            builder.AddError(DemoSecrets.Problem, $"{path}:SecretKey");
        }

        var expectedProvider = credentials.Source switch
        {
            CredentialSources.TencentSts => StoreProviders.Cos,
            CredentialSources.AwsSts or CredentialSources.AwsWebIdentity or CredentialSources.Environment => StoreProviders.S3,
            _ => store.Provider,
        };
        if (store.Provider is not null && expectedProvider != store.Provider)
        {
            builder.AddError($"does not fit a '{store.Provider}' store", $"{path}:Source");
        }

        switch (credentials.Source)
        {
            case CredentialSources.Environment when string.IsNullOrEmpty(configuration["AWS_ACCESS_KEY_ID"]) || string.IsNullOrEmpty(configuration["AWS_SECRET_ACCESS_KEY"]):
                builder.AddError("needs the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables", $"{path}:Source");
                break;
            case CredentialSources.TencentSts:
                foreach (var error in StsSettings.Tencent(store, credentials.Sts, policy: "{}").Validate())
                {
                    builder.AddError(error, $"{path}:Sts");
                }

                break;
            case CredentialSources.AwsSts or CredentialSources.AwsWebIdentity:
                foreach (var error in StsSettings.Aws(credentials, configuration, policy: "{}").Validate())
                {
                    builder.AddError(error, $"{path}:Sts");
                }

                if (credentials.Source == CredentialSources.AwsWebIdentity && StsSettings.Aws(credentials, configuration, "{}").WebIdentityTokenFile is not { Length: > 0 })
                {
                    builder.AddError("needs WebIdentityTokenFile or the AWS_WEB_IDENTITY_TOKEN_FILE environment variable", $"{path}:Sts");
                }

                break;
        }
    }
}
