using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// Binds <see cref="JwtOptions"/> to the JWT bearer handler: issuer, audience, lifetime and signature are all
/// validated, the algorithm list is closed, and claims keep their JWT names (<c>sub</c>, <c>tenant</c>). A key the
/// authority's JWKS drops stops verifying as soon as the JWKS is fetched again.
/// </summary>
internal sealed class ConfigureJwtBearer(IOptions<JwtOptions> jwtOptions, TimeProvider time)
    : IConfigureNamedOptions<JwtBearerOptions>, IPostConfigureOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var jwt = jwtOptions.Value;
        var keys = jwt.SigningKeys.Select(JwtSigningKeys.TryCreate).OfType<SecurityKey>().ToList();
        var algorithms = keys.OfType<SymmetricSecurityKey>().Any()
            ? [.. JwtSigningKeys.AsymmetricAlgorithms, SecurityAlgorithms.HmacSha256]
            : JwtSigningKeys.AsymmetricAlgorithms;

        options.Authority = jwt.Authority?.ToString();
        options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        options.RefreshOnIssuerKeyNotFound = true;
        options.RefreshInterval = jwt.KeyRefreshInterval;
        options.MapInboundClaims = false;

        // Nothing reads the token back from the ticket: storing it costs a dictionary per request and keeps a secret around.
        options.SaveToken = false;
        if (jwt.ValidatedTokenCacheSize > 0)
        {
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new CachingTokenHandler(new JsonWebTokenHandler { MapInboundClaims = false }, jwt, time));
        }

        options.IncludeErrorDetails = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = algorithms,
            IssuerSigningKeys = keys,
            ClockSkew = jwt.ClockSkew,
            NameClaimType = "sub",
            RoleClaimType = "roles",
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = RefuseCriticalExtensions,
            OnChallenge = JwtProblemResponses.ChallengeAsync,
            OnForbidden = JwtProblemResponses.ForbiddenAsync,
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    /// <summary>Runs after the JWT bearer handler's own post-configuration has built the authority's configuration manager.</summary>
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme && options.ConfigurationManager is BaseConfigurationManager manager)
        {
            // IdentityModel's "last known good" fallback validates a token whose key the current JWKS no longer has
            // against an older JWKS, for up to an hour: a key dropped from the JWKS would not be revoked.
            manager.UseLastKnownGoodConfiguration = false;
        }
    }

    // RFC 7515 4.1.11: a token that marks header extensions critical must be refused by a recipient that does not
    // understand them, and the gateway understands none; the token handler itself ignores "crit".
    private static Task RefuseCriticalExtensions(TokenValidatedContext context)
    {
        if (context.SecurityToken is JsonWebToken token && token.TryGetHeaderValue<object>("crit", out _))
        {
            context.Fail("The token marks header extensions as critical.");
        }

        return Task.CompletedTask;
    }
}
