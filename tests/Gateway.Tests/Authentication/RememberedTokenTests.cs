using System.Net;
using System.Security.Claims;
using Gateway.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Gateway.Tests.Hardening;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Authentication;

/// <summary>
/// The bearer handler answers a token it accepted before from the validated-token cache, and the authentication step
/// answers it without building the handlers. A token the handler refused after validation (its events) stays refused on
/// every later request, though the cache holds its validation.
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

    [Fact]
    public async Task ClaimsTransformation_RunsForEveryRequest_WithARememberedToken()
    {
        var transformation = new CountingClaimsTransformation();
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        await using var gateway = await GatewayHost.StartAsync(overrides, services => services.AddSingleton<IClaimsTransformation>(transformation));
        using var client = gateway.CreateClient(TestTokens.For("transformed-alice", "acme"));

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.GetAsync("/files/acme/remembered/transformed.txt");
            Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
        }

        Assert.Equal(3, transformation.Calls);
    }

    [Fact]
    public async Task AcceptedToken_IsAnsweredWithoutAskingForHandlers()
    {
        var handlers = new HandlerRequests();
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        await using var gateway = await GatewayHost.StartAsync(
            overrides, services => services.AddScoped<IAuthenticationHandlerProvider>(provider => new CountingHandlerProvider(provider.GetRequiredService<IAuthenticationSchemeProvider>(), handlers)));
        using var client = gateway.CreateClient(TestTokens.For("unhandled-alice", "acme"));

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.GetAsync("/files/acme/remembered/unhandled.txt");
            Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
        }

        // The first request builds the bearer handler (through the policy scheme); the two after it build none.
        Assert.Equal(1, handlers.For(GatewaySchemes.Bearer));
    }

    private sealed class HandlerRequests
    {
        private readonly Dictionary<string, int> _counts = [];

        public void Add(string scheme)
        {
            lock (_counts)
            {
                _counts[scheme] = _counts.GetValueOrDefault(scheme) + 1;
            }
        }

        public int For(string scheme)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(scheme);
            }
        }
    }

    private sealed class CountingHandlerProvider(IAuthenticationSchemeProvider schemes, HandlerRequests requests) : IAuthenticationHandlerProvider
    {
        private readonly AuthenticationHandlerProvider _inner = new(schemes);

        public Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme)
        {
            requests.Add(authenticationScheme);
            return _inner.GetHandlerAsync(context, authenticationScheme);
        }
    }

    private sealed class CountingClaimsTransformation : IClaimsTransformation
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(principal);
        }
    }
}
