using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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

    // The algorithm of a SubjectPublicKeyInfo (RFC 5480, RFC 8017).
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";

    /// <summary>Returns the key, or null when its material is unusable.</summary>
    public static SecurityKey? TryCreate(JwtSigningKeyOptions options)
    {
        try
        {
            if (options.Secret is { Length: > 0 } secret)
            {
                return new SymmetricSecurityKey(Base64UrlEncoder.DecodeBytes(secret)) { KeyId = options.KeyId };
            }

            return TryReadPublicKey(options.PublicKeyPem) switch
            {
                ECDsa ec => new ECDsaSecurityKey(ec) { KeyId = options.KeyId },
                RSA rsa => new RsaSecurityKey(rsa) { KeyId = options.KeyId },
                _ => null,
            };
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads exactly one public key in PEM: <c>PUBLIC KEY</c> (SubjectPublicKeyInfo, RSA or EC by the algorithm it
    /// names, as <c>openssl ec -pubout</c> and <c>openssl rsa -pubout</c> write) or <c>RSA PUBLIC KEY</c> (PKCS#1).
    /// Anything else, a private key included, is not a verification key and gives null.
    /// </summary>
    private static AsymmetricAlgorithm? TryReadPublicKey(string? pem)
    {
        if (pem is null || !PemEncoding.TryFind(pem, out var fields) || PemEncoding.TryFind(pem.AsSpan(fields.Location.End), out _))
        {
            return null;
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        switch (pem.AsSpan(fields.Label))
        {
            case "PUBLIC KEY":
                var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(der, out var read);
                return read != der.Length ? null : publicKey.Oid.Value switch
                {
                    EcPublicKeyOid => publicKey.GetECDsaPublicKey(),
                    RsaEncryptionOid => publicKey.GetRSAPublicKey(),
                    _ => null,
                };

            case "RSA PUBLIC KEY":
                var rsa = RSA.Create();
                rsa.ImportRSAPublicKey(der, out read);
                if (read == der.Length)
                {
                    return rsa;
                }

                rsa.Dispose();
                return null;

            default:
                return null;
        }
    }
}
