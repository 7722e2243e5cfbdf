using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Hardening;

/// <summary>
/// Hand-built JWTs for attacks a token library refuses to mint: any header, any claim shape, any algorithm name,
/// signed with HMAC (SHA-256 unless told otherwise) by whatever key bytes the attacker has (the development key unless told otherwise).
/// </summary>
internal static class Jwt
{
    /// <summary>Unsigned, with <paramref name="algorithm"/> (some spelling of <c>none</c>) and valid-looking claims.</summary>
    public static string Unsigned(string algorithm, Dictionary<string, object> claims) =>
        Part(new Dictionary<string, object?> { ["alg"] = algorithm, ["typ"] = "JWT" }) + "." + Part(Payload(claims, [])) + ".";

    /// <summary>
    /// HS256 over the header (<c>alg</c> HS256 and <c>kid</c> dev, with <paramref name="header"/> applied on top) and the
    /// claims with the standard ones filled in and <paramref name="payload"/> applied on top (a null value removes a field).
    /// </summary>
    public static string Signed(
        Dictionary<string, object> claims,
        Dictionary<string, object?>? payload = null,
        Dictionary<string, object?>? header = null,
        byte[]? key = null,
        bool sha512 = false)
    {
        var headerValues = new Dictionary<string, object?> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = "dev" };
        foreach (var (name, value) in header ?? [])
        {
            if (value is null)
            {
                headerValues.Remove(name);
            }
            else
            {
                headerValues[name] = value;
            }
        }

        var signingInput = Part(headerValues) + "." + Part(Payload(claims, payload ?? []));
        return sha512
            ? signingInput + "." + Base64UrlEncoder.Encode(HMACSHA512.HashData(key ?? TestTokens.DevKey.Key, Encoding.ASCII.GetBytes(signingInput)))
            : Sign(signingInput, key ?? TestTokens.DevKey.Key);
    }

    /// <summary>The token with its header replaced; its signature kept as it was, or dropped.</summary>
    public static string WithHeader(string token, Dictionary<string, object?> header, bool keepSignature)
    {
        var parts = token.Split('.');
        return Part(header) + "." + parts[1] + "." + (keepSignature ? parts[2] : "");
    }

    /// <summary>Three parts from raw text: for headers and payloads that are not JSON objects at all.</summary>
    public static string Raw(string header, string payload, string signature) =>
        Base64UrlEncoder.Encode(Encoding.Latin1.GetBytes(header)) + "." + Base64UrlEncoder.Encode(Encoding.Latin1.GetBytes(payload)) + "." + signature;

    /// <summary>HS256 over <c>header.payload</c> with <paramref name="key"/>, whatever the header says.</summary>
    public static string Sign(string signingInput, byte[] key) =>
        signingInput + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput)));

    public static string Part(Dictionary<string, object?> values) =>
        Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(values));

    private static Dictionary<string, object?> Payload(Dictionary<string, object> claims, Dictionary<string, object?> overrides)
    {
        var now = DateTimeOffset.UtcNow;
        var values = new Dictionary<string, object?>
        {
            ["iss"] = TestTokens.Issuer,
            ["aud"] = TestTokens.Audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.AddSeconds(-5).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in claims)
        {
            values[name] = value;
        }

        foreach (var (name, value) in overrides)
        {
            if (value is null)
            {
                values.Remove(name);
            }
            else
            {
                values[name] = value;
            }
        }

        return values;
    }
}
