using System.Collections.Concurrent;
using System.Security.Claims;
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
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromSeconds(1);

    // Looked up by the text of the Authorization header too, so a request's token needs no string of its own.
    private readonly ConcurrentDictionary<string, ValidatedToken> _validated = new(StringComparer.Ordinal);
    private long _lastPurge;

    private ConcurrentDictionary<string, ValidatedToken>.AlternateLookup<ReadOnlySpan<char>> ByText => _validated.GetAlternateLookup<ReadOnlySpan<char>>();

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (_validated.TryGetValue(token, out var remembered)
            && now < remembered.Until
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
                Remember(token, new ValidatedToken(result, until), now);
            }
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    /// <summary>
    /// The shared, frozen identity of <paramref name="token"/> when the bearer handler accepted it before and it still counts
    /// (unexpired, recent, its key still current: configured in <paramref name="parameters"/>, or in the JWKS of
    /// <paramref name="manager"/>); otherwise null, and the handler validates the token in full.
    /// </summary>
    public ValueTask<ClaimsIdentity?> RecallAcceptedAsync(ReadOnlySpan<char> token, TokenValidationParameters parameters, BaseConfigurationManager? manager)
    {
        return ByText.TryGetValue(token, out var remembered) && remembered.Accepted && time.GetUtcNow() < remembered.Until
            ? IdentityWhileKeyHoldsAsync(remembered, parameters, manager)
            : ValueTask.FromResult<ClaimsIdentity?>(null);
    }

    /// <summary>Marks a remembered token as accepted by the whole bearer handler, events included.</summary>
    public void Accept(ReadOnlySpan<char> token)
    {
        if (ByText.TryGetValue(token, out var remembered))
        {
            remembered.Accepted = true;
        }
    }

    private static async ValueTask<ClaimsIdentity?> IdentityWhileKeyHoldsAsync(ValidatedToken remembered, TokenValidationParameters parameters, BaseConfigurationManager? manager) =>
        await IsStillASigningKeyAsync(remembered.Result.SecurityToken.SigningKey, parameters, manager) ? remembered.Shared : null;

    /// <summary>
    /// Adds an entry while fewer than <see cref="JwtOptions.ValidatedTokenCacheSize"/> are held. Expired entries stay
    /// (lookups skip them) until the cache is full; then they go first (at most once a second, the scan is linear), and
    /// if none did, the token is simply not remembered.
    /// </summary>
    private void Remember(string token, ValidatedToken entry, DateTimeOffset now)
    {
        if (_validated.Count >= options.ValidatedTokenCacheSize)
        {
            var last = Interlocked.Read(ref _lastPurge);
            if (now.UtcTicks - last < PurgeInterval.Ticks || Interlocked.CompareExchange(ref _lastPurge, now.UtcTicks, last) != last)
            {
                return;
            }

            foreach (var remembered in _validated)
            {
                if (remembered.Value.Until <= now)
                {
                    _validated.TryRemove(remembered);
                }
            }

            if (_validated.Count >= options.ValidatedTokenCacheSize)
            {
                return;
            }
        }

        _validated[token] = entry;
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
        public TokenValidationResult Result { get; } = result;

        public DateTimeOffset Until { get; } = until;

        /// <summary>Set once the bearer handler accepted the token, after its events; a stale read only costs a full validation.</summary>
        public bool Accepted { get; set; }

        /// <summary>
        /// The identity every request of an accepted token shares, copied now, before the first request can change its
        /// own: its claims cannot change, so none can change another's.
        /// </summary>
        public ClaimsIdentity Shared { get; } = new FrozenClaimsIdentity(result.ClaimsIdentity);

        /// <summary>The result with its own copy of the identity, which that request may change.</summary>
        public TokenValidationResult Fresh() => new()
        {
            IsValid = true,
            ClaimsIdentity = Shared.Clone(),
            SecurityToken = Result.SecurityToken,
            Issuer = Result.Issuer,
            TokenType = Result.TokenType,
        };
    }
}
