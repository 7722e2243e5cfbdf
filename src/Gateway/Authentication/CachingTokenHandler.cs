using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// Remembers bearer tokens that passed validation, so an app that sends the same token with many requests pays for
/// its parsing and signature check once. A remembered token counts only while it has not expired, for at most
/// <see cref="JwtOptions.ValidatedTokenCacheTime"/>, and only while the key that verified it is still one of the
/// current signing keys: the configured ones, or those of the JWKS the authority's configuration manager fetched last.
/// A key removed from the configuration or the JWKS takes its tokens with it. Only valid tokens are remembered, so
/// made-up tokens cannot fill the cache. Once the whole bearer handler has accepted a remembered token (its events
/// included), <see cref="RememberingJwtBearerHandler"/> answers it from here without running the handler again.
/// </summary>
internal sealed class CachingTokenHandler(TokenHandler inner, JwtOptions options, TimeProvider time) : TokenHandler
{
    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = options.ValidatedTokenCacheSize });

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (_validated.TryGetValue(token, out ValidatedToken? remembered)
            && now < remembered!.Until
            && await IsStillASigningKeyAsync(remembered.Result.SecurityToken.SigningKey, validationParameters, validationParameters.ConfigurationManager))
        {
            return remembered.Fresh();
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { SigningKey: not null } validated)
        {
            var until = Min(new DateTimeOffset(validated.ValidTo, TimeSpan.Zero), now + options.ValidatedTokenCacheTime);
            if (until > now)
            {
                _validated.Set(token, new ValidatedToken(result, until), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
            }
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    /// <summary>
    /// A copy of the identity of <paramref name="token"/> when the bearer handler accepted it before and it still counts
    /// (unexpired, recent, its key still current: configured in <paramref name="parameters"/>, or in the JWKS of
    /// <paramref name="manager"/>); otherwise null, and the handler validates the token in full.
    /// </summary>
    public async ValueTask<ClaimsIdentity?> RecallAcceptedAsync(string token, TokenValidationParameters parameters, BaseConfigurationManager? manager)
    {
        return _validated.TryGetValue(token, out ValidatedToken? remembered)
            && remembered!.Accepted
            && time.GetUtcNow() < remembered.Until
            && await IsStillASigningKeyAsync(remembered.Result.SecurityToken.SigningKey, parameters, manager)
            ? remembered.Identity()
            : null;
    }

    /// <summary>Marks a remembered token as accepted by the whole bearer handler, events included.</summary>
    public void Accept(string token)
    {
        if (_validated.TryGetValue(token, out ValidatedToken? remembered))
        {
            remembered!.Accepted = true;
        }
    }

    private static async ValueTask<bool> IsStillASigningKeyAsync(SecurityKey? key, TokenValidationParameters parameters, BaseConfigurationManager? manager)
    {
        if (key is null)
        {
            return false;
        }

        if (ReferenceEquals(parameters.IssuerSigningKey, key) || Contains(parameters.IssuerSigningKeys, key))
        {
            return true;
        }

        // An authority's keys reach the handler only through its configuration manager (JwtBearerHandler leaves
        // IssuerSigningKeys empty). Once fetched, the manager answers from memory and refreshes in the background,
        // as it does for every validation; a refetch brings new key objects, so each token is checked against them once.
        if (manager is not null)
        {
            try
            {
                var configuration = await manager.GetBaseConfigurationAsync(CancellationToken.None);
                return configuration is not null && Contains(configuration.SigningKeys, key);
            }
            catch (Exception)
            {
                // No configuration yet: the full validation that follows asks again and reports it.
                return false;
            }
        }

        return false;
    }

    private static bool Contains(IEnumerable<SecurityKey>? keys, SecurityKey key)
    {
        if (keys is IList<SecurityKey> list)
        {
            // Indexed, so the hit path allocates no enumerator.
            for (var i = 0; i < list.Count; i++)
            {
                if (ReferenceEquals(list[i], key))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var current in keys ?? [])
        {
            if (ReferenceEquals(current, key))
            {
                return true;
            }
        }

        return false;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>A validation result and until when it may be reused.</summary>
    private sealed class ValidatedToken(TokenValidationResult result, DateTimeOffset until)
    {
        // A copy taken now, so that whatever the first request does with its own identity stays with that request.
        private readonly ClaimsIdentity _identity = result.ClaimsIdentity.Clone();

        public TokenValidationResult Result { get; } = result;

        public DateTimeOffset Until { get; } = until;

        /// <summary>Set once the bearer handler accepted the token, after its events; a stale read only costs a full validation.</summary>
        public bool Accepted { get; set; }

        /// <summary>A copy of the identity, so no request can change another's claims.</summary>
        public ClaimsIdentity Identity() => _identity.Clone();

        /// <summary>The result with its own copy of the identity.</summary>
        public TokenValidationResult Fresh() => new()
        {
            IsValid = true,
            ClaimsIdentity = _identity.Clone(),
            SecurityToken = Result.SecurityToken,
            Issuer = Result.Issuer,
            TokenType = Result.TokenType,
        };
    }
}
