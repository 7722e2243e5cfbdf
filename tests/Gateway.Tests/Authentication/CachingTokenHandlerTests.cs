using System.Security.Claims;
using Gateway.Authentication;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Authentication;

/// <summary>
/// A validated token is reused only while it is unexpired, recent and still verified by a current signing key, whether
/// the keys are configured or come from an authority's JWKS (handed over through the configuration manager).
/// </summary>
public sealed class CachingTokenHandlerTests
{
    private static readonly JwtOptions Options = new() { ValidatedTokenCacheSize = 100, ValidatedTokenCacheTime = TimeSpan.FromMinutes(1) };

    private readonly CountingHandler _inner = new();
    private readonly ManualTime _time = new();
    private readonly AuthorityStandIn _authority = new();

    /// <summary>Where the signing keys come from.</summary>
    public enum KeySource
    {
        /// <summary><c>TokenValidationParameters.IssuerSigningKeys</c>, as with <c>SigningKeys</c> in the configuration.</summary>
        Configured,

        /// <summary>The JWKS an authority served last, as with <c>Authority</c>.</summary>
        Authority,
    }

    /// <summary>Validation parameters whose current signing keys are exactly <paramref name="keys"/>; for an authority, a fresh fetch of them.</summary>
    private TokenValidationParameters Parameters(KeySource source, params SecurityKey[] keys)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = TestTokens.Issuer,
            ValidAudience = TestTokens.Audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        };
        if (source == KeySource.Configured)
        {
            parameters.IssuerSigningKeys = keys;
        }
        else
        {
            // As JwtBearerHandler does: the keys stay with the configuration manager, none in the parameters.
            _authority.Serve(keys);
            parameters.ConfigurationManager = _authority;
        }

        return parameters;
    }

    private CachingTokenHandler Handler() => new(_inner, Options, _time);

    [Theory]
    [InlineData(KeySource.Configured)]
    [InlineData(KeySource.Authority)]
    public async Task SameToken_IsValidatedOnce_AndEachCallerGetsItsOwnIdentity(KeySource source)
    {
        var handler = Handler();
        var parameters = Parameters(source, TestTokens.DevKey);
        var token = TestTokens.For("alice", "acme");

        var first = await handler.ValidateTokenAsync(token, parameters);
        first.ClaimsIdentity.AddClaim(new Claim("roles", "added-by-the-first-request"));
        var second = await handler.ValidateTokenAsync(token, parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, _inner.Validations);
        Assert.Equal("alice", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Null(second.ClaimsIdentity.FindFirst("roles"));
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Same(first.SecurityToken, second.SecurityToken);
    }

    [Theory]
    [InlineData(KeySource.Configured)]
    [InlineData(KeySource.Authority)]
    public async Task KeyNoLongerConfigured_ValidatesAgain_AndRefuses(KeySource source)
    {
        var handler = Handler();
        var token = TestTokens.For("alice", "acme");
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(source, TestTokens.DevKey))).IsValid);

        var rotated = new SymmetricSecurityKey(new byte[32]) { KeyId = "dev" };
        var result = await handler.ValidateTokenAsync(token, Parameters(source, rotated));

        Assert.False(result.IsValid);
        Assert.Equal(2, _inner.Validations);
    }

    [Theory]
    [InlineData(KeySource.Configured)]
    [InlineData(KeySource.Authority)]
    public async Task KeyDropped_ValidatesAgain_AndRefuses(KeySource source)
    {
        var handler = Handler();
        var token = TestTokens.For("alice", "acme");
        var other = new SymmetricSecurityKey(new byte[32]) { KeyId = "other" };
        var parameters = Parameters(source, TestTokens.DevKey, other);
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);

        var result = await handler.ValidateTokenAsync(token, Parameters(source, other));

        Assert.False(result.IsValid);
        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task AuthorityKeysFetchedAgain_ValidatesOnceMore_ThenReusesAgain()
    {
        var handler = Handler();
        var token = TestTokens.For("alice", "acme");
        await handler.ValidateTokenAsync(token, Parameters(KeySource.Authority, TestTokens.DevKey));

        // A refetch brings new key objects even when the JWKS did not change: the token is checked against them once.
        var refetched = Parameters(KeySource.Authority, TestTokens.DevKey);
        Assert.True((await handler.ValidateTokenAsync(token, refetched)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, refetched)).IsValid);

        Assert.Equal(2, _inner.Validations);
    }

    [Theory]
    [InlineData(KeySource.Configured)]
    [InlineData(KeySource.Authority)]
    public async Task TokenPastItsExpiry_IsNotReused(KeySource source)
    {
        var handler = Handler();
        var parameters = Parameters(source, TestTokens.DevKey);
        var token = TestTokens.Create(new() { ["sub"] = "alice" }, expires: DateTime.UtcNow.AddSeconds(30));
        await handler.ValidateTokenAsync(token, parameters);

        _time.Advance(TimeSpan.FromSeconds(31));
        await handler.ValidateTokenAsync(token, parameters);

        Assert.Equal(2, _inner.Validations);
    }

    [Theory]
    [InlineData(KeySource.Configured)]
    [InlineData(KeySource.Authority)]
    public async Task TokenRememberedLongerThanTheCacheTime_IsValidatedAgain(KeySource source)
    {
        var handler = Handler();
        var parameters = Parameters(source, TestTokens.DevKey);
        var token = TestTokens.For("alice", "acme");
        await handler.ValidateTokenAsync(token, parameters);

        _time.Advance(Options.ValidatedTokenCacheTime - TimeSpan.FromSeconds(1));
        await handler.ValidateTokenAsync(token, parameters);
        _time.Advance(TimeSpan.FromSeconds(2));
        await handler.ValidateTokenAsync(token, parameters);

        Assert.Equal(2, _inner.Validations);
    }

    [Theory]
    [InlineData(KeySource.Configured)]
    [InlineData(KeySource.Authority)]
    public async Task InvalidToken_IsNeverRemembered(KeySource source)
    {
        var handler = Handler();
        var parameters = Parameters(source, TestTokens.DevKey);
        var forged = TestTokens.Create(new() { ["sub"] = "alice" }, key: new SymmetricSecurityKey(new byte[32]) { KeyId = "dev" });

        Assert.False((await handler.ValidateTokenAsync(forged, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(forged, parameters)).IsValid);

        Assert.Equal(2, _inner.Validations);
    }

    [Theory]
    [InlineData(KeySource.Configured)]
    [InlineData(KeySource.Authority)]
    public async Task Recall_OnlyATokenTheBearerHandlerAccepted_WithAnIdentityNoRequestCanChange(KeySource source)
    {
        var handler = Handler();
        var parameters = Parameters(source, TestTokens.DevKey);
        var token = TestTokens.For("alice", "acme");
        await handler.ValidateTokenAsync(token, parameters);

        // Validated, but not yet accepted by the whole handler (its events may still refuse it).
        Assert.Null(await Recall(handler, token, parameters));
        handler.Accept(token);
        var first = await Recall(handler, token, parameters);
        Assert.Throws<InvalidOperationException>(() => first!.AddClaim(new Claim("roles", "added-by-the-first-request")));
        Assert.Throws<InvalidOperationException>(() => first!.RemoveClaim(first.FindFirst("sub")));
        first!.Clone().AddClaim(new Claim("roles", "added-to-a-copy"));
        var second = await Recall(handler, token, parameters);

        Assert.Equal("alice", second?.FindFirst("sub")?.Value);
        Assert.Null(second!.FindFirst("roles"));
        Assert.Equal(1, _inner.Validations);
    }

    [Theory]
    [InlineData(KeySource.Configured)]
    [InlineData(KeySource.Authority)]
    public async Task Recall_KeyDroppedOrTokenExpired_IsNull(KeySource source)
    {
        var handler = Handler();
        var other = new SymmetricSecurityKey(new byte[32]) { KeyId = "other" };
        var token = TestTokens.Create(new() { ["sub"] = "alice" }, expires: DateTime.UtcNow.AddSeconds(30));
        var parameters = Parameters(source, TestTokens.DevKey, other);
        await handler.ValidateTokenAsync(token, parameters);
        handler.Accept(token);
        Assert.NotNull(await Recall(handler, token, parameters));

        Assert.Null(await Recall(handler, token, Parameters(source, other)));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(await Recall(handler, token, Parameters(source, TestTokens.DevKey, other)));
    }

    [Fact]
    public async Task Accept_ATokenNeverValidated_RemembersNothing()
    {
        var handler = Handler();
        var parameters = Parameters(KeySource.Configured, TestTokens.DevKey);
        var token = TestTokens.For("alice", "acme");

        handler.Accept(token);

        Assert.Null(await Recall(handler, token, parameters));
    }

    [Fact]
    public async Task CacheFull_NewTokenIsValidatedEachTime_UntilAnExpiredEntryMakesRoom()
    {
        var handler = new CachingTokenHandler(_inner, new JwtOptions { ValidatedTokenCacheSize = 2, ValidatedTokenCacheTime = TimeSpan.FromMinutes(1) }, _time);
        var parameters = Parameters(KeySource.Configured, TestTokens.DevKey);
        var shortLived = TestTokens.Create(new() { ["sub"] = "short" }, expires: DateTime.UtcNow.AddSeconds(30));
        var longLived = TestTokens.For("long", "acme");
        var late = TestTokens.For("late", "acme");
        await handler.ValidateTokenAsync(shortLived, parameters);
        await handler.ValidateTokenAsync(longLived, parameters);

        await handler.ValidateTokenAsync(late, parameters);
        await handler.ValidateTokenAsync(late, parameters);
        Assert.Equal(4, _inner.Validations);

        // Once the short-lived token has expired (and a second has passed since the last purge), it makes room.
        _time.Advance(TimeSpan.FromSeconds(31));
        await handler.ValidateTokenAsync(late, parameters);
        await handler.ValidateTokenAsync(late, parameters);
        await handler.ValidateTokenAsync(longLived, parameters);
        Assert.Equal(5, _inner.Validations);
    }

    /// <summary>As the bearer handler asks: its configured parameters, and the authority's manager apart from them.</summary>
    private static ValueTask<ClaimsIdentity?> Recall(CachingTokenHandler handler, string token, TokenValidationParameters parameters) =>
        handler.RecallAcceptedAsync(token, parameters, parameters.ConfigurationManager as BaseConfigurationManager);

    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _validations;

        public CountingHandler() => MapInboundClaims = false;

        public int Validations => _validations;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _validations);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }

    /// <summary>
    /// An authority's configuration manager: each <see cref="Serve"/> is a fetch of its JWKS, with new key objects as
    /// the real one builds them. It never falls back to an older configuration, so a dropped key stays dropped.
    /// </summary>
    private sealed class AuthorityStandIn : BaseConfigurationManager
    {
        private OpenIdConnectConfiguration _current = new() { Issuer = TestTokens.Issuer };

        public AuthorityStandIn() => UseLastKnownGoodConfiguration = false;

        public void Serve(SecurityKey[] keys)
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = TestTokens.Issuer };
            foreach (var key in keys)
            {
                configuration.SigningKeys.Add(JsonWebKeyConverter.ConvertFromSecurityKey(key));
            }

            _current = configuration;
        }

        public override Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) => Task.FromResult<BaseConfiguration>(_current);

        public override void RequestRefresh()
        {
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }
}
