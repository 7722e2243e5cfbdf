using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// Remembers bearer tokens that passed validation, so an app that sends the same token with many requests pays for
/// its parsing and signature check once. A remembered token counts only while it has not expired, for at most
/// <see cref="JwtOptions.ValidatedTokenCacheTime"/>, and only while the key that verified it is still one of the
/// signing keys: a key removed from the configuration or the authority's JWKS takes its tokens with it. Only valid
/// tokens are remembered, so made-up tokens cannot fill the cache.
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
            && IsStillASigningKey(remembered.Result.SecurityToken.SigningKey, validationParameters))
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

    private static bool IsStillASigningKey(SecurityKey? key, TokenValidationParameters parameters)
    {
        if (key is null)
        {
            return false;
        }

        if (ReferenceEquals(parameters.IssuerSigningKey, key))
        {
            return true;
        }

        foreach (var current in parameters.IssuerSigningKeys ?? [])
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

        /// <summary>The result with its own copy of the identity, so no request can change another's claims.</summary>
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
