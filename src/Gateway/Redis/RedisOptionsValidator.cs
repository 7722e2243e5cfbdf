using System.Security.Cryptography;
using Gateway.Authentication;
using Gateway.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Redis;

/// <summary>Checks data annotations on <see cref="RedisOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class RedisOptionsAnnotationsValidator : IValidateOptions<RedisOptions>;

/// <summary>
/// Checks <c>Gateway:Redis</c> without connecting: the configuration string parses and names a server, the key-ring
/// certificate can be read with its private key, and the key ring has one home only. Each error names its setting,
/// never its value.
/// </summary>
internal sealed class RedisOptionsValidator(IConfiguration configuration, ConfiguredOptions<BrowserSignInOptions> signIn) : IValidateOptions<RedisOptions>
{
    private const string Path = RedisOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new RedisOptionsAnnotationsValidator().Validate(Path, options));

        if (options.IsEnabled)
        {
            ValidateConfiguration(options.Configuration!, builder);
            if (signIn.Current().Session.KeysDirectory is { Length: > 0 })
            {
                builder.AddError(
                    $"cannot be set together with {Path}:Configuration, which keeps the Data Protection keys in Redis: remove one",
                    $"{BrowserSignInOptions.SectionName}:Session:KeysDirectory");
            }
        }

        ValidateCertificate(options, builder);
        return builder.Build();
    }

    private static void ValidateConfiguration(string value, ValidateOptionsResultBuilder builder)
    {
        try
        {
            if (ConfigurationOptions.Parse(value).EndPoints.Count == 0)
            {
                builder.AddError("names no Redis server", $"{Path}:Configuration");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
        {
            builder.AddError("is not a valid StackExchange.Redis configuration string", $"{Path}:Configuration");
        }
    }

    private void ValidateCertificate(RedisOptions options, ValidateOptionsResultBuilder builder)
    {
        if (string.IsNullOrEmpty(options.DataProtectionCertificate))
        {
            if (!string.IsNullOrEmpty(options.DataProtectionCertificatePassword))
            {
                builder.AddError("is set but DataProtectionCertificate is not", $"{Path}:DataProtectionCertificatePassword");
            }

            return;
        }

        if (!options.IsEnabled)
        {
            builder.AddError($"needs {Path}:Configuration: it protects the keys kept in Redis", $"{Path}:DataProtectionCertificate");
            return;
        }

        var file = GatewayConfigurationSources.ResolvePath(configuration, options.DataProtectionCertificate);
        if (!File.Exists(file))
        {
            builder.AddError("names a file that does not exist", $"{Path}:DataProtectionCertificate");
            return;
        }

        try
        {
            using var certificate = RedisKeyRing.Load(file, options.DataProtectionCertificatePassword);
            if (!certificate.HasPrivateKey)
            {
                builder.AddError("must hold the certificate's private key, which decrypts the keys", $"{Path}:DataProtectionCertificate");
            }
        }
        catch (CryptographicException)
        {
            builder.AddError("cannot be read as PKCS#12 with the configured password", $"{Path}:DataProtectionCertificate");
        }
    }
}
