using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Gateway.Authentication;

/// <summary>How apps' bearer tokens are validated: the <c>Authentication:Jwt</c> section.</summary>
internal sealed record JwtOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Authentication:Jwt";

    /// <summary>The most clock skew the gateway accepts.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Optional OpenID Provider; its metadata and JWKS supply signing keys.</summary>
    public Uri? Authority { get; init; }

    /// <summary>False allows an http authority, on loopback only (development).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>The expected <c>iss</c>.</summary>
    [Required]
    public string? Issuer { get; init; }

    /// <summary>The expected <c>aud</c>.</summary>
    [Required]
    public string? Audience { get; init; }

    /// <summary>
    /// The least time between two key refreshes that tokens with an unknown <c>kid</c> trigger, so a flood of them
    /// cannot hammer the identity provider. Keys already fetched keep working while the provider is unreachable.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan KeyRefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many validated bearer tokens are remembered, so that an app sending the same token again skips parsing and
    /// the signature check; 0 turns remembering off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int ValidatedTokenCacheSize { get; init; } = 10_000;

    /// <summary>How long a validated token is remembered at most (never past its own expiry).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ValidatedTokenCacheTime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Tolerated clock difference, at most 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Signing keys configured directly, used beside (or instead of) the authority's JWKS.</summary>
    [ValidateEnumeratedItems]
    public List<JwtSigningKeyOptions> SigningKeys { get; init; } = [];
}

/// <summary>One configured token-signing key: an HMAC secret or a public key in PEM.</summary>
internal sealed record JwtSigningKeyOptions
{
    /// <summary>The <c>kid</c> tokens carry for this key.</summary>
    [Required]
    public string? KeyId { get; init; }

    /// <summary>An HMAC (HS256) secret, base64url, at least 32 bytes. For development; prefer public keys.</summary>
    public string? Secret { get; init; }

    /// <summary>One RSA or EC public key in PEM, <c>PUBLIC KEY</c> (SPKI) or <c>RSA PUBLIC KEY</c> (PKCS#1): RS, PS and ES algorithms.</summary>
    public string? PublicKeyPem { get; init; }
}
