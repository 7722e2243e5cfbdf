using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Infrastructure;

/// <summary>Mints tokens for the tests, signed with the test environment's HMAC key (<c>gateway.Test.json</c>, kid <c>dev</c>) unless told otherwise.</summary>
internal static class TestTokens
{
    public const string Issuer = "https://gateway.dev.invalid";
    public const string Audience = "gateway";
    public const string DevSecret = "dGVzdC1vbmx5LWtleS1vZi10aGUtZ2F0ZXdheS1zdWl0ZSE";

    /// <summary>The committed demo key (<c>config/gateway.Development.json</c>), which only the Development environment loads.</summary>
    public const string DemoSecret = "ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LWEtc2VjcmV0IQ";

    /// <summary>The test environment's store secrets (<c>gateway.Test.json</c>); like every secret, they must never leave the gateway.</summary>
    public static readonly string[] StoreSecrets = ["test-cos-secret-of-the-gateway-suite", "test-s3-secret-of-the-gateway-suite"];

    public static SymmetricSecurityKey DevKey { get; } = new(Base64UrlEncoder.DecodeBytes(DevSecret)) { KeyId = "dev" };

    /// <summary>A valid token for <paramref name="subject"/> of <paramref name="tenant"/> with the download scope.</summary>
    public static string For(string subject, string tenant, string scope = "storage:read") =>
        Create(new Dictionary<string, object> { ["sub"] = subject, ["tenant"] = tenant, ["scope"] = scope });

    /// <summary>A valid token with the claims of <c>"name=value;name=value"</c>, so test tables stay readable.</summary>
    public static string WithClaims(string claims) =>
        Create(claims.Split(';').Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => (object)pair[1], StringComparer.Ordinal));

    public static string Create(
        Dictionary<string, object> claims,
        string issuer = Issuer,
        string audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        SecurityKey? key = null,
        string algorithm = SecurityAlgorithms.HmacSha256)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now.AddSeconds(-5),
            Expires = expires ?? now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? DevKey, algorithm),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) carrying valid-looking claims.</summary>
    public static string Unsigned(string subject, string tenant)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return Part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
            + Part($"{{\"sub\":\"{subject}\",\"tenant\":\"{tenant}\",\"scope\":\"storage:read\",\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"exp\":{exp}}}") + ".";
    }
}
