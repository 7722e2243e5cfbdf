using System.Security.Claims;
using Gateway.Authorization;
using Gateway.Routing;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Tests.Authorization;

public sealed class ClaimEqualsRouteValueAuthorizerTests
{
    private static readonly DownloadRoute Route = new(
        "r1",
        "s3",
        ObjectKeyTemplate.TryParse("tenants/{tenant}/{path}", out _)!,
        TimeSpan.FromMinutes(5),
        [new ClaimEqualsRouteValue("tenant", "tenant")]);

    private static readonly RouteValueDictionary AcmeValues = new() { ["tenant"] = "acme", ["path"] = "x" };

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), authenticationType: "test"));

    private static DownloadAuthorization Authorize(ClaimsPrincipal user) =>
        new ClaimEqualsRouteValueAuthorizer().Authorize(user, Route, AcmeValues, "tenants/acme/x");

    [Fact]
    public void Authorize_MatchingClaim_Allows() => Assert.True(Authorize(User(("tenant", "acme"))).Allowed);

    [Fact]
    public void Authorize_OneOfManyClaimValuesMatches_Allows() =>
        Assert.True(Authorize(User(("tenant", "globex"), ("tenant", "acme"))).Allowed);

    [Theory]
    [InlineData("globex")]
    [InlineData("ACME")]
    [InlineData("acme ")]
    [InlineData("")]
    public void Authorize_OtherTenant_Denies(string tenant) => Assert.False(Authorize(User(("tenant", tenant))).Allowed);

    [Fact]
    public void Authorize_MissingClaim_Denies() => Assert.False(Authorize(User(("sub", "alice"))).Allowed);

    [Fact]
    public void Authorize_Anonymous_Denies() =>
        Assert.False(new ClaimEqualsRouteValueAuthorizer().Authorize(new ClaimsPrincipal(new ClaimsIdentity()), Route, AcmeValues, "k").Allowed);

    [Fact]
    public void Authorize_Denial_NamesTheClaimNotItsValue()
    {
        var decision = Authorize(User(("tenant", "globex")));
        Assert.Equal("claim-mismatch:tenant", decision.Reason);
    }
}
