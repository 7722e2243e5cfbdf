using Gateway.Configuration;
using Gateway.Signing;
using Microsoft.Extensions.Options;

namespace Gateway.Stores;

/// <summary>Checks data annotations on <see cref="StoresOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class StoresOptionsAnnotationsValidator : IValidateOptions<StoresOptions>;

/// <summary>Checks data annotations on one <see cref="StoreOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsAnnotationsValidator : IValidateOptions<StoreOptions>;

/// <summary>
/// Checks each store and its credentials, without building either: the signing library says whether it would accept
/// the address. Every error is reported, and each names its setting, never its value.
/// </summary>
internal sealed class StoresOptionsValidator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<StoresOptions>
{
    private const string OriginRule = "must be an absolute http or https URL with no path, query or user info";

    public ValidateOptionsResult Validate(string? name, StoresOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new StoresOptionsAnnotationsValidator().Validate(StoresOptions.SectionName, options));
        foreach (var (storeName, store) in options.Stores)
        {
            ValidateStore($"{StoresOptions.SectionName}:Stores:{storeName}", store, builder);
        }

        return builder.Build();
    }

    private void ValidateStore(string path, StoreOptions store, ValidateOptionsResultBuilder builder)
    {
        builder.AddResult(new StoreOptionsAnnotationsValidator().Validate(path, store));

        var provider = store.Provider is { } configured && KebabCaseNames.IsKnown(configured) ? configured : (StoreProvider?)null;
        if (store.Provider is not null && provider is null)
        {
            builder.AddError($"must be one of: {KebabCaseNames.List<StoreProvider>()}", $"{path}:Provider");
        }

        var originsValid = true;
        if (store.Endpoint is { } endpoint && !StoreAddress.IsOrigin(endpoint))
        {
            builder.AddError(OriginRule, $"{path}:Endpoint");
            originsValid = false;
        }

        if (store.PublicBaseUrl is { } publicBase && !StoreAddress.IsOrigin(publicBase))
        {
            builder.AddError(OriginRule, $"{path}:PublicBaseUrl");
            originsValid = false;
        }

        // The presigners' own check, which their constructors enforce: a bucket or region a URL parser would change.
        if (provider is not null && originsValid && store.Bucket is { Length: > 0 } bucket && store.Region is { Length: > 0 } region
            && StoreRegistry.AddressProblem(provider.Value, StoreRegistry.AddressOf(store with { Bucket = bucket, Region = region })) is { } addressProblem)
        {
            builder.AddError(addressProblem, path);
        }

        if (store.Credentials is { } credentials)
        {
            ValidateCredentials($"{path}:Credentials", provider, store, credentials, builder);
        }
    }

    private void ValidateCredentials(string path, StoreProvider? provider, StoreOptions store, CredentialOptions credentials, ValidateOptionsResultBuilder builder)
    {
        if (!KebabCaseNames.IsKnown(credentials.Source))
        {
            builder.AddError($"must be one of: {KebabCaseNames.List<CredentialSource>()}", $"{path}:Source");
            return;
        }

        if (credentials.UsesPermanentKey)
        {
            if (string.IsNullOrEmpty(credentials.AccessKeyId))
            {
                builder.AddError("is required", $"{path}:AccessKeyId");
            }

            var hasSecret = !string.IsNullOrEmpty(credentials.SecretKey);
            var hasFile = !string.IsNullOrEmpty(credentials.SecretKeyFile);
            if (hasSecret == hasFile)
            {
                builder.AddError("needs exactly one of SecretKey (from an environment variable, or from user secrets in Development) and SecretKeyFile", path);
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

        StoreProvider? expectedProvider = credentials.Source switch
        {
            CredentialSource.TencentSts => StoreProvider.Cos,
            CredentialSource.AwsSts or CredentialSource.AwsWebIdentity or CredentialSource.Environment => StoreProvider.S3,
            _ => provider,
        };
        if (provider is { } actual && expectedProvider != actual)
        {
            builder.AddError($"does not fit a '{KebabCaseNames.Of(actual)}' store", $"{path}:Source");
        }

        switch (credentials.Source)
        {
            case CredentialSource.Environment when string.IsNullOrEmpty(configuration["AWS_ACCESS_KEY_ID"]) || string.IsNullOrEmpty(configuration["AWS_SECRET_ACCESS_KEY"]):
                builder.AddError("needs the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables", $"{path}:Source");
                break;
            case CredentialSource.TencentSts:
                foreach (var error in StsSettings.Tencent(store, credentials.Sts, policy: "{}").Validate())
                {
                    builder.AddError(error, $"{path}:Sts");
                }

                break;
            case CredentialSource.AwsSts or CredentialSource.AwsWebIdentity:
                var aws = StsSettings.Aws(credentials, configuration, policy: "{}");
                foreach (var error in aws.Validate())
                {
                    builder.AddError(error, $"{path}:Sts");
                }

                if (credentials.Source == CredentialSource.AwsWebIdentity && aws.WebIdentityTokenFile is not { Length: > 0 })
                {
                    builder.AddError("needs WebIdentityTokenFile or the AWS_WEB_IDENTITY_TOKEN_FILE environment variable", $"{path}:Sts");
                }

                break;
        }
    }
}
