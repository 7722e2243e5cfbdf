using Gateway.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>Checks data annotations on <see cref="JwtOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class JwtOptionsAnnotationsValidator : IValidateOptions<JwtOptions>;

/// <summary>Checks that tokens can be validated at all, reporting every problem by setting name.</summary>
internal sealed class JwtOptionsValidator(IHostEnvironment environment) : IValidateOptions<JwtOptions>
{
    private const int MinSecretBytes = 32;

    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new JwtOptionsAnnotationsValidator().Validate(JwtOptions.SectionName, options));

        if (options.Authority is null && options.SigningKeys.Count == 0)
        {
            builder.AddError("needs an Authority or at least one SigningKeys entry", JwtOptions.SectionName);
        }

        if (options.Authority is { } authority && AuthorityAddress.Problem(authority, options.RequireHttpsMetadata) is { } authorityProblem)
        {
            builder.AddError(authorityProblem, $"{JwtOptions.SectionName}:Authority");
        }

        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            var path = $"{JwtOptions.SectionName}:SigningKeys:{i}";
            var key = options.SigningKeys[i];
            if (string.IsNullOrEmpty(key.KeyId))
            {
                builder.AddError("is required", $"{path}:KeyId");
            }

            if (string.IsNullOrEmpty(key.Secret) == string.IsNullOrEmpty(key.PublicKeyPem))
            {
                builder.AddError("needs exactly one of Secret and PublicKeyPem", path);
            }
            else if (key.Secret is { Length: > 0 } secret && !IsLongEnough(secret))
            {
                builder.AddError($"must be base64url of at least {MinSecretBytes} bytes", $"{path}:Secret");
            }
            else if (key.Secret is { Length: > 0 } && !environment.IsDevelopment() && DemoSecrets.IsDemo(key.Secret))
            {
                // Anyone holding the published development key could mint tokens with any claims.
                builder.AddError(DemoSecrets.Problem, $"{path}:Secret");
            }
            else if (key.PublicKeyPem is { Length: > 0 } && JwtSigningKeys.TryCreate(key) is null)
            {
                builder.AddError("is not an RSA or EC public key in PEM", $"{path}:PublicKeyPem");
            }
        }

        return builder.Build();
    }

    private static bool IsLongEnough(string secret)
    {
        try
        {
            return Base64UrlEncoder.DecodeBytes(secret).Length >= MinSecretBytes;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
