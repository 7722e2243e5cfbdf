using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>Turns configured keys into <see cref="SecurityKey"/>s, each bound to the algorithms it may verify.</summary>
internal static class JwtSigningKeys
{
    /// <summary>Algorithms accepted for public keys. HMAC is accepted only when a secret is configured.</summary>
    public static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Returns the key, or null when its material is unusable.</summary>
    public static SecurityKey? TryCreate(JwtSigningKeyOptions options)
    {
        try
        {
            if (options.Secret is { Length: > 0 } secret)
            {
                return new SymmetricSecurityKey(Base64UrlEncoder.DecodeBytes(secret)) { KeyId = options.KeyId };
            }

            var pem = options.PublicKeyPem!;
            if (pem.Contains("EC", StringComparison.Ordinal) && TryEc(pem) is { } ec)
            {
                return new ECDsaSecurityKey(ec) { KeyId = options.KeyId };
            }

            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa) { KeyId = options.KeyId };
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static ECDsa? TryEc(string pem)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ec.Dispose();
            return null;
        }
    }
}
