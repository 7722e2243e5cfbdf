using System.Collections.Concurrent;
using System.Security.Cryptography;
using Gateway.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Authentication;

/// <summary>Public keys in PEM, as tools write them, are read by what the key is, not by the text around it.</summary>
public sealed class JwtSigningKeysTests
{
    // Generating RSA 4096 takes a while: each kind is generated once for every line-end variant.
    private static readonly ConcurrentDictionary<string, AsymmetricAlgorithm> Generated = new(StringComparer.Ordinal);

    public static TheoryData<string, string> KindsAndLineEnds()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "P-256", "P-384", "P-521", "RSA-2048", "RSA-4096", "RSA-2048-PKCS1" })
        {
            foreach (var lineEnds in new[] { "lf", "lf-final-newline", "crlf" })
            {
                data.Add(kind, lineEnds);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndLineEnds))]
    public async Task TryCreate_PublicKeyPem_VerifiesTokensSignedWithItsPrivateKey(string kind, string lineEnds)
    {
        var pem = WithLineEnds(PublicPem(kind), lineEnds);

        var key = JwtSigningKeys.TryCreate(new JwtSigningKeyOptions { KeyId = "k", PublicKeyPem = pem });

        Assert.NotNull(key);
        Assert.IsType(kind.StartsWith("P-", StringComparison.Ordinal) ? typeof(ECDsaSecurityKey) : typeof(RsaSecurityKey), key);
        Assert.Equal("k", key.KeyId);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(SignedToken(kind), new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = JwtSigningKeys.AsymmetricAlgorithms,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Theory]
    [InlineData("ec-private")]
    [InlineData("pkcs8-private")]
    [InlineData("rsa-private")]
    [InlineData("two-keys")]
    [InlineData("not-base64")]
    [InlineData("no-pem")]
    [InlineData("truncated")]
    public void TryCreate_NotOnePublicKey_IsRefused(string what)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var pem = what switch
        {
            "ec-private" => ec.ExportECPrivateKeyPem(),
            "pkcs8-private" => ec.ExportPkcs8PrivateKeyPem(),
            "rsa-private" => rsa.ExportRSAPrivateKeyPem(),
            "two-keys" => ec.ExportSubjectPublicKeyInfoPem() + "\n" + rsa.ExportSubjectPublicKeyInfoPem(),
            "not-base64" => "-----BEGIN PUBLIC KEY-----\nnot*base64\n-----END PUBLIC KEY-----",
            "no-pem" => Convert.ToBase64String(ec.ExportSubjectPublicKeyInfo()),
            _ => ec.ExportSubjectPublicKeyInfoPem().Remove(40, 20),
        };

        Assert.Null(JwtSigningKeys.TryCreate(new JwtSigningKeyOptions { KeyId = "k", PublicKeyPem = pem }));
    }

    private static AsymmetricAlgorithm Private(string kind) => Generated.GetOrAdd(kind, static kind => kind switch
    {
        "P-256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        "P-384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        "P-521" => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        "RSA-4096" => RSA.Create(4096),
        _ => RSA.Create(2048),
    });

    // What 'openssl ec -pubout' and 'openssl rsa -pubout' write (SPKI), and 'openssl rsa -RSAPublicKey_out' (PKCS#1).
    private static string PublicPem(string kind) => Private(kind) switch
    {
        ECDsa ec => ec.ExportSubjectPublicKeyInfoPem(),
        RSA rsa when kind.EndsWith("PKCS1", StringComparison.Ordinal) => rsa.ExportRSAPublicKeyPem(),
        RSA rsa => rsa.ExportSubjectPublicKeyInfoPem(),
        _ => throw new InvalidOperationException(),
    };

    private static string WithLineEnds(string pem, string lineEnds) => lineEnds switch
    {
        "lf" => pem,
        "lf-final-newline" => pem + "\n",
        _ => pem.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n",
    };

    private static string SignedToken(string kind)
    {
        var (key, algorithm) = Private(kind) switch
        {
            ECDsa ec => ((SecurityKey)new ECDsaSecurityKey(ec), kind switch
            {
                "P-256" => SecurityAlgorithms.EcdsaSha256,
                "P-384" => SecurityAlgorithms.EcdsaSha384,
                _ => SecurityAlgorithms.EcdsaSha512,
            }),
            RSA rsa => (new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256),
            _ => throw new InvalidOperationException(),
        };

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = "alice" },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }
}
