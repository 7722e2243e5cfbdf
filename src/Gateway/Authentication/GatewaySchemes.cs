using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Net.Http.Headers;

namespace Gateway.Authentication;

/// <summary>
/// Chooses the authentication scheme per request: a bearer token means JWT validation; otherwise a browser's
/// cookie session; and a challenge sends only a browser navigation to the identity provider, while API and XHR
/// calls get a plain 401.
/// </summary>
internal static class GatewaySchemes
{
    /// <summary>The policy scheme that picks how to authenticate.</summary>
    public const string Authenticate = "gateway-authenticate";

    /// <summary>The policy scheme that picks how to challenge and forbid.</summary>
    public const string Challenge = "gateway-challenge";

    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string OpenIdConnect = OpenIdConnectDefaults.AuthenticationScheme;
    public const string Bearer = JwtBearerDefaults.AuthenticationScheme;

    public static string SelectForAuthenticate(HttpContext context, bool browserSignIn) =>
        !browserSignIn || HasBearerToken(context.Request) ? Bearer : Cookie;

    public static string SelectForChallenge(HttpContext context, bool browserSignIn) =>
        browserSignIn && !HasBearerToken(context.Request) && IsBrowserNavigation(context.Request) ? OpenIdConnect : Bearer;

    /// <summary>A top-level navigation by a browser, as opposed to an API, fetch or XHR call.</summary>
    public static bool IsBrowserNavigation(HttpRequest request)
    {
        var headers = request.Headers;
        if (headers["Sec-Fetch-Mode"] is [var mode, ..])
        {
            return string.Equals(mode, "navigate", StringComparison.OrdinalIgnoreCase);
        }

        return headers["X-Requested-With"].Count == 0
            && headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    private static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization is [var value, ..] && value?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Whether the caller reads HTML (a person) rather than JSON (an app).</summary>
    public static bool PrefersHtml(HttpRequest request) =>
        IsBrowserNavigation(request) && !request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase)
        && request.Headers[HeaderNames.Authorization].Count == 0;
}
