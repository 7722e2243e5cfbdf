using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// The real OpenID Provider and the real browser work, without the gateway: discovery, a hand-built PKCE sign-in driven
/// through the provider's login and consent forms, and ASP.NET Core's own OpenIdConnect handler (PAR, userinfo, sign-out).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InfrastructureSmokeTests(BrowserFixture browser, OidcProviderFixture oidc) : IClassFixture<OidcProviderFixture>
{
    private OidcProviderProcess Provider => oidc.Provider;

    [Fact]
    public async Task Discovery_DescribesIssuerEndpointsAndPkce()
    {
        using var discovery = await DiscoverAsync();
        var root = discovery.RootElement;
        var issuer = Provider.Issuer.GetLeftPart(UriPartial.Authority);

        Assert.Equal(issuer, root.GetProperty("issuer").GetString());
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint", "pushed_authorization_request_endpoint" })
        {
            Assert.StartsWith(issuer + "/", root.GetProperty(endpoint).GetString(), StringComparison.Ordinal);
        }

        Assert.Contains("S256", Strings(root.GetProperty("code_challenge_methods_supported")));
        Assert.Contains("gateway", Strings(root.GetProperty("scopes_supported")));
        Assert.Contains("none", Strings(root.GetProperty("token_endpoint_auth_methods_supported")));
        Assert.Equal(["code"], Strings(root.GetProperty("response_types_supported")));
    }

    [Fact]
    public async Task Browser_HandBuiltPkceRequest_ReturnsCodeThatYieldsGatewayClaims()
    {
        using var callback = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        callback.Given(Request.Create().WithPath("/signin-oidc").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("callback reached"));
        var redirectUri = $"{callback.Url}/signin-oidc";
        using var discovery = await DiscoverAsync();
        var root = discovery.RootElement;

        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var authorize = QueryHelpers.AddQueryString(root.GetProperty("authorization_endpoint").GetString()!, new Dictionary<string, string?>
        {
            ["client_id"] = Provider.ClientId,
            ["response_type"] = "code",
            ["scope"] = "openid profile gateway",
            ["redirect_uri"] = redirectUri,
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

        await using (var session = await browser.NewSessionAsync())
        {
            await session.Page.GotoAsync(authorize);
            await session.SignInAsync("alice");
            await session.ConsentAsync();
            await session.Page.WaitForURLAsync(url => url.StartsWith(redirectUri + "?", StringComparison.Ordinal));
            Assert.Equal("callback reached", await session.Page.InnerTextAsync("body"));

            var query = QueryHelpers.ParseQuery(new Uri(session.Page.Url).Query);
            Assert.Equal(state, query["state"].ToString());
            Assert.Equal(Provider.Issuer.GetLeftPart(UriPartial.Authority), query["iss"].ToString());
            var code = query["code"].ToString();
            Assert.False(string.IsNullOrEmpty(code));

            using var http = new HttpClient();
            using var tokenResponse = await http.PostAsync(root.GetProperty("token_endpoint").GetString(), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
                ["client_id"] = Provider.ClientId,
                ["code_verifier"] = verifier,
            }));
            var tokens = await tokenResponse.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(tokenResponse.IsSuccessStatusCode, tokens.ToString());
            Assert.False(tokens.TryGetProperty("refresh_token", out _), "refresh tokens are off");

            var idToken = await ValidateIdTokenAsync(http, root, tokens.GetProperty("id_token").GetString()!);
            Assert.Equal("alice", idToken.Subject);
            Assert.Equal(nonce, idToken.GetClaim("nonce").Value);
            Assert.Equal("acme", idToken.GetClaim("tenant").Value);
            Assert.Contains("finance", idToken.Claims.Where(c => c.Type == "groups").Select(c => c.Value));
            Assert.Contains("reader", idToken.Claims.Where(c => c.Type == "roles").Select(c => c.Value));

            using var userinfoRequest = new HttpRequestMessage(HttpMethod.Get, root.GetProperty("userinfo_endpoint").GetString());
            userinfoRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
            using var userinfoResponse = await http.SendAsync(userinfoRequest);
            Assert.Equal(HttpStatusCode.OK, userinfoResponse.StatusCode);
            var userinfo = await userinfoResponse.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("acme", userinfo.GetProperty("tenant").GetString());
            Assert.Contains("finance", Strings(userinfo.GetProperty("groups")));
        }
    }

    [Fact]
    public async Task AspNetCoreHandler_PushedRequestAndUserinfo_SignsInAndOut()
    {
        var pushed = 0;
        var userinfoReceived = false;
        var app = await StartRelyingPartyAsync(() => Interlocked.Increment(ref pushed), () => userinfoReceived = true);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            await using var session = await browser.NewSessionAsync();
            await session.Page.GotoAsync($"{address}/me");
            await session.SignInAsync("carol");
            await session.ConsentAsync();
            await session.Page.WaitForURLAsync($"{address}/me");
            var claims = await session.Page.InnerTextAsync("body");

            Assert.True(pushed == 1, "the handler did not use the pushed authorization request endpoint");
            Assert.True(userinfoReceived, "the handler did not read userinfo");
            Assert.Contains("sub=carol", claims, StringComparison.Ordinal);
            Assert.Contains("tenant=acme", claims, StringComparison.Ordinal);
            Assert.Contains("groups=contractors", claims, StringComparison.Ordinal);

            // Without its cookie the app challenges again, and the live provider session answers without any form.
            await session.Context.ClearCookiesAsync(new() { NameRegex = new Regex("^\\.AspNetCore\\.Cookies") });
            await session.Page.GotoAsync($"{address}/me");
            await session.Page.WaitForURLAsync($"{address}/me");
            Assert.Contains("tenant=acme", await session.Page.InnerTextAsync("body"), StringComparison.Ordinal);
            Assert.Equal(2, pushed);

            await session.Page.GotoAsync($"{address}/logout");
            await session.ConfirmSignOutAsync();
            await session.Page.WaitForURLAsync($"{address}/signed-out");

            // Both the cookie and the provider's session are gone: the next visit asks for a login again.
            await session.Page.GotoAsync($"{address}/me");
            await session.Page.Locator("input[name=login]").WaitForAsync();
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A minimal relying party on 127.0.0.1 with ASP.NET Core's defaults (which push the request when PAR is offered).</summary>
    private async Task<WebApplication> StartRelyingPartyAsync(Action onPushAuthorization, Action onUserInformation)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Nothing from the test folder's appsettings files or the environment: only what is set here.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie()
            .AddOpenIdConnect(options =>
            {
                options.Authority = Provider.Issuer.ToString();
                options.RequireHttpsMetadata = false;
                options.ClientId = Provider.ClientId;
                options.ResponseType = "code";
                options.UsePkce = true;
                options.Scope.Add("gateway");
                options.MapInboundClaims = false;
                options.GetClaimsFromUserInfoEndpoint = true;
                options.SaveTokens = true;
                options.Events.OnPushAuthorization = _ =>
                {
                    onPushAuthorization();
                    return Task.CompletedTask;
                };
                options.Events.OnUserInformationReceived = _ =>
                {
                    onUserInformation();
                    return Task.CompletedTask;
                };
            });

        var app = builder.Build();
        app.UseAuthentication();
        app.MapGet("/me", async context =>
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                await context.ChallengeAsync();
                return;
            }

            await context.Response.WriteAsync(string.Join('\n', context.User.Claims.Select(c => $"{c.Type}={c.Value}")));
        });
        app.MapGet("/logout", async context =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignOutAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = "/signed-out" });
        });
        app.MapGet("/signed-out", () => "signed out");
        await app.StartAsync();
        return app;
    }

    private async Task<JsonDocument> DiscoverAsync()
    {
        using var http = new HttpClient();
        await using var stream = await http.GetStreamAsync(Provider.DiscoveryDocument);
        return await JsonDocument.ParseAsync(stream);
    }

    private async Task<JsonWebToken> ValidateIdTokenAsync(HttpClient http, JsonElement discovery, string idToken)
    {
        var keys = new JsonWebKeySet(await http.GetStringAsync(discovery.GetProperty("jwks_uri").GetString()));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = Provider.Issuer.GetLeftPart(UriPartial.Authority),
            ValidAudience = Provider.ClientId,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        return (JsonWebToken)result.SecurityToken;
    }

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();
}
