using System.Security.Claims;
using System.Text;
using Gateway.Rules;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Rules;

public sealed class CallerTests
{
    [Fact]
    public void FromPrincipal_SeveralClaimsOfOneType_OffersEveryValue()
    {
        var identity = new ClaimsIdentity([new("groups", "b"), new("sub", "alice"), new("groups", "a")], "Bearer");

        var caller = Caller.FromPrincipal(new ClaimsPrincipal(identity));

        Assert.True(caller.IsAuthenticated);
        Assert.Equal(["a", "b"], caller.GetValues("groups").ToArray().Order(StringComparer.Ordinal));
        Assert.Equal(["alice"], caller.GetValues("sub").ToArray());
        Assert.True(caller.GetValues("Groups").IsEmpty);
        Assert.True(caller.GetValues("missing").IsEmpty);
    }

    [Fact]
    public void FromPrincipal_JwtArrayClaim_CountsEveryElement()
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var token = new JsonWebToken($"{Part("""{"alg":"none"}""")}.{Part("""{"sub":"alice","groups":["finance","staff"],"roles":"auditor"}""")}.");

        var caller = Caller.FromPrincipal(new ClaimsPrincipal(new ClaimsIdentity(token.Claims, "Bearer")));

        Assert.Equal(["finance", "staff"], caller.GetValues("groups").ToArray().Order(StringComparer.Ordinal));
        Assert.Equal(["auditor"], caller.GetValues("roles").ToArray());
    }

    [Fact]
    public void FromPrincipal_UnauthenticatedIdentity_ContributesNoClaims()
    {
        var principal = new ClaimsPrincipal(
        [
            new ClaimsIdentity([new Claim("tenant", "acme")], "Bearer"),
            new ClaimsIdentity([new Claim("tenant", "injected")]),
        ]);

        var caller = Caller.FromPrincipal(principal);

        Assert.Equal(["acme"], caller.GetValues("tenant").ToArray());
    }

    [Fact]
    public void FromPrincipal_NoAuthenticatedIdentity_IsAnonymous()
    {
        var caller = Caller.FromPrincipal(new ClaimsPrincipal(new ClaimsIdentity([new Claim("tenant", "acme")])));

        Assert.Same(Caller.Anonymous, caller);
        Assert.False(caller.IsAuthenticated);
        Assert.True(caller.GetValues("tenant").IsEmpty);
    }

    [Fact]
    public void FromClaims_AuthenticatedFlag_IsKept()
    {
        var caller = Caller.FromClaims([new("tenant", "acme")], authenticated: false);

        Assert.False(caller.IsAuthenticated);
        Assert.Equal(1, caller.ClaimCount);
    }
}
