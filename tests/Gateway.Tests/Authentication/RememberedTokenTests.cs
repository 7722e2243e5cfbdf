using System.Net;
using Gateway.Authentication;
using Microsoft.AspNetCore.Authentication;
using Gateway.Tests.Hardening;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Authentication;

/// <summary>
/// The bearer handler answers a token it accepted before from the validated-token cache. A token the handler refused
/// after validation (its events) stays refused on every later request, though the cache holds its validation.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RememberedTokenTests(GatewayFixture fixture)
{
    private static readonly Dictionary<string, object> Alice = new() { ["sub"] = "remembered-alice", ["tenant"] = "acme", ["scope"] = "storage:read" };

    [Fact]
    public async Task TokenRefusedByTheHandlersEvents_StaysRefusedOnEveryRequest()
    {
        var critical = Jwt.Signed(Alice, header: new() { ["crit"] = new[] { "http://example.invalid/must-understand" }, ["http://example.invalid/must-understand"] = true });
        using var client = fixture.Gateway.CreateClient(critical);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/files/acme/remembered/crit.txt");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task BearerScheme_IsHandledByTheRememberingHandler()
    {
        var schemes = fixture.Gateway.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        var bearer = await schemes.GetSchemeAsync(GatewaySchemes.Bearer);

        Assert.Equal(typeof(RememberingJwtBearerHandler), bearer?.HandlerType);
    }

    [Fact]
    public async Task AcceptedToken_IsAnsweredAgainWithTheSameIdentity()
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("remembered-bob", "acme"));

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.GetAsync("/files/acme/remembered/own.txt");
            using var denied = await client.GetAsync("/files/globex/remembered/other.txt");
            Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }
    }
}
