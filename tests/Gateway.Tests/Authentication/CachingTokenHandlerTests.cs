using System.Security.Claims;
using Gateway.Authentication;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Authentication;

/// <summary>A validated token is reused only while it is unexpired, recent and still verified by a current signing key.</summary>
public sealed class CachingTokenHandlerTests
{
    private static readonly JwtOptions Options = new() { ValidatedTokenCacheSize = 100, ValidatedTokenCacheTime = TimeSpan.FromMinutes(1) };

    private readonly CountingHandler _inner = new();
    private readonly ManualTime _time = new();

    private static TokenValidationParameters Parameters(params SecurityKey[] keys) => new()
    {
        ValidIssuer = TestTokens.Issuer,
        ValidAudience = TestTokens.Audience,
        IssuerSigningKeys = keys,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
    };

    private CachingTokenHandler Handler() => new(_inner, Options, _time);

    [Fact]
    public async Task SameToken_IsValidatedOnce_AndEachCallerGetsItsOwnIdentity()
    {
        var handler = Handler();
        var parameters = Parameters(TestTokens.DevKey);
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

    [Fact]
    public async Task KeyNoLongerConfigured_ValidatesAgain_AndRefuses()
    {
        var handler = Handler();
        var token = TestTokens.For("alice", "acme");
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(TestTokens.DevKey))).IsValid);

        var rotated = new SymmetricSecurityKey(new byte[32]) { KeyId = "dev" };
        var result = await handler.ValidateTokenAsync(token, Parameters(rotated));

        Assert.False(result.IsValid);
        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task TokenPastItsExpiry_IsNotReused()
    {
        var handler = Handler();
        var parameters = Parameters(TestTokens.DevKey);
        var token = TestTokens.Create(new() { ["sub"] = "alice" }, expires: DateTime.UtcNow.AddSeconds(30));
        await handler.ValidateTokenAsync(token, parameters);

        _time.Advance(TimeSpan.FromSeconds(31));
        await handler.ValidateTokenAsync(token, parameters);

        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task TokenRememberedLongerThanTheCacheTime_IsValidatedAgain()
    {
        var handler = Handler();
        var parameters = Parameters(TestTokens.DevKey);
        var token = TestTokens.For("alice", "acme");
        await handler.ValidateTokenAsync(token, parameters);

        _time.Advance(Options.ValidatedTokenCacheTime - TimeSpan.FromSeconds(1));
        await handler.ValidateTokenAsync(token, parameters);
        _time.Advance(TimeSpan.FromSeconds(2));
        await handler.ValidateTokenAsync(token, parameters);

        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task InvalidToken_IsNeverRemembered()
    {
        var handler = Handler();
        var parameters = Parameters(TestTokens.DevKey);
        var forged = TestTokens.Create(new() { ["sub"] = "alice" }, key: new SymmetricSecurityKey(new byte[32]) { KeyId = "dev" });

        Assert.False((await handler.ValidateTokenAsync(forged, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(forged, parameters)).IsValid);

        Assert.Equal(2, _inner.Validations);
    }

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

    private sealed class ManualTime : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }
}
