using Gateway.Configuration;
using Gateway.Signing.Cdn;
using Gateway.Stores;
using Microsoft.Extensions.Options;

namespace Gateway.Cdn;

/// <summary>
/// Checks every CDN and its keys as the signers would (the Tencent key's form, the CloudFront PEM parsed), and that each
/// store's <c>Cdn</c> names one. Every error is reported, each naming its setting, never its value.
/// </summary>
internal sealed class CdnOptionsValidator(ConfiguredOptions<StoresOptions> stores) : IValidateOptions<CdnOptions>
{
    private const string Placeholder = "https://cdn.invalid";

    public ValidateOptionsResult Validate(string? name, CdnOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        foreach (var (cdnName, cdn) in options.Cdns)
        {
            ValidateCdn($"{CdnOptions.SectionName}:Cdns:{cdnName}", cdn, builder);
        }

        foreach (var (storeName, store) in stores.Current().Stores)
        {
            if (store.Cdn is { } cdn && !options.Cdns.ContainsKey(cdn))
            {
                builder.AddError("must name a CDN under Gateway:Cdns", $"{StoresOptions.SectionName}:Stores:{storeName}:Cdn");
            }
        }

        return builder.Build();
    }

    private static void ValidateCdn(string path, CdnSignerOptions cdn, ValidateOptionsResultBuilder builder)
    {
        if (cdn.Kind is not { } kind || !KebabCaseNames.IsKnown(kind))
        {
            builder.AddError(cdn.Kind is null ? "is required" : $"must be one of: {KebabCaseNames.List<CdnKind>()}", $"{path}:Kind");
            return;
        }

        if (cdn.BaseUrl is null)
        {
            builder.AddError("is required", $"{path}:BaseUrl");
        }

        // The signing library's own checks; the base URL is checked once, above or here.
        var baseUrl = cdn.BaseUrl ?? new Uri(Placeholder);
        if (cdn.IsTencent)
        {
            var keySetting = SecretSetting(path, nameof(CdnSignerOptions.AuthKey), cdn.AuthKey, cdn.AuthKeyFile, builder);
            if (cdn.Validity is null)
            {
                builder.AddError("is required: the validity set in the CDN console", $"{path}:Validity");
            }

            var key = CdnRegistry.Secret(cdn.AuthKey, cdn.AuthKeyFile);
            foreach (var (setting, rule) in CdnRegistry.TencentSettings(cdn with { BaseUrl = baseUrl }, key ?? "").Problems())
            {
                if (setting == nameof(TencentCdnSettings.Key))
                {
                    if (key is not null && keySetting is not null)
                    {
                        builder.AddError(rule, keySetting);
                    }
                }
                else if (setting != nameof(TencentCdnSettings.Validity) || cdn.Validity is not null)
                {
                    builder.AddError(rule, $"{path}:{setting}");
                }
            }

            return;
        }

        foreach (var (setting, rule) in CdnRegistry.CloudFrontSettings(cdn with { BaseUrl = baseUrl }).Problems())
        {
            builder.AddError(rule, $"{path}:{setting}");
        }

        if (SecretSetting(path, nameof(CdnSignerOptions.PrivateKey), cdn.PrivateKey, cdn.PrivateKeyFile, builder) is { } pemSetting
            && CloudFrontSigner.KeyProblem(CdnRegistry.Secret(cdn.PrivateKey, cdn.PrivateKeyFile)) is { } keyProblem)
        {
            builder.AddError(keyProblem, pemSetting);
        }

        if (cdn.ClientAddressPrefix is < 1 or > 32)
        {
            builder.AddError("must be from 1 to 32 (CloudFront binds IPv4 ranges only)", $"{path}:ClientAddressPrefix");
        }
    }

    /// <summary>Checks that exactly one of the secret and its file is set, and the file exists; returns the setting in use, or null.</summary>
    private static string? SecretSetting(string path, string setting, string? value, string? file, ValidateOptionsResultBuilder builder)
    {
        var hasValue = !string.IsNullOrEmpty(value);
        var hasFile = !string.IsNullOrEmpty(file);
        if (hasValue == hasFile)
        {
            builder.AddError($"needs exactly one of {setting} (environment variable or user secrets) and {setting}File", path);
            return null;
        }

        if (hasFile && !File.Exists(file))
        {
            builder.AddError("names a file that does not exist", $"{path}:{setting}File");
            return null;
        }

        return hasFile ? $"{path}:{setting}File" : $"{path}:{setting}";
    }
}
