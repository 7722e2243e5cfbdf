using Gateway.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gateway.Authentication;

/// <summary>
/// Binds <see cref="BrowserSignInOptions"/> to the cookie session and the OpenID Connect handler: authorization code
/// with PKCE, the response in the query so every cookie can stay SameSite=Lax, claims kept under their JWT names.
/// </summary>
internal sealed class ConfigureBrowserSignIn(IOptions<BrowserSignInOptions> signIn) :
    IConfigureNamedOptions<CookieAuthenticationOptions>,
    IConfigureNamedOptions<OpenIdConnectOptions>
{
    public void Configure(string? name, CookieAuthenticationOptions options)
    {
        if (name != GatewaySchemes.Cookie)
        {
            return;
        }

        var session = signIn.Value.Session;
        options.Cookie.Name = session.CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        // Lax: the session must ride along on the top-level navigation back from the identity provider.
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.ExpireTimeSpan = session.Lifetime;
        options.SlidingExpiration = false;
        options.Events.OnRedirectToAccessDenied = context => Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "You do not have access to this file.");
    }

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name != GatewaySchemes.OpenIdConnect)
        {
            return;
        }

        var settings = signIn.Value;
        options.Authority = settings.Authority?.ToString();
        options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        options.ClientId = settings.ClientId;
        options.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.SignInScheme = GatewaySchemes.Cookie;
        options.CallbackPath = settings.CallbackPath;
        options.SignedOutCallbackPath = settings.SignedOutCallbackPath;
        options.SaveTokens = false;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.MapInboundClaims = false;
        options.BackchannelTimeout = TimeSpan.FromSeconds(10);
        options.TokenValidationParameters.NameClaimType = "sub";
        options.TokenValidationParameters.RoleClaimType = "roles";
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

        options.Scope.Clear();
        options.Scope.Add(OpenIdConnectScope.OpenId);
        foreach (var scope in settings.Scopes)
        {
            options.Scope.Add(scope);
        }

        foreach (var claim in settings.Claims)
        {
            options.ClaimActions.MapJsonKey(claim, claim);
        }

        options.Events.OnRedirectToIdentityProviderForSignOut = context =>
        {
            // The provider needs to know the client to honour post_logout_redirect_uri; no token is kept to send instead.
            context.ProtocolMessage.ClientId = settings.ClientId;
            return Task.CompletedTask;
        };
        options.Events.OnRemoteFailure = context =>
        {
            context.HandleResponse();
            return Problems.WriteAsync(context.HttpContext, StatusCodes.Status400BadRequest, "Sign-in failed", "Sign-in could not be completed. Open the link again to retry.");
        };
    }

    public void Configure(CookieAuthenticationOptions options) => Configure(Options.DefaultName, options);

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);
}
