using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Authentication;

/// <summary>
/// <c>/signout</c>: ends the browser session here and at the identity provider, then returns to a local page, by default
/// <c>/signed-out</c>, which tells the person they are signed out. Mapped only when browser sign-in is on.
/// </summary>
internal static class SignOutEndpoint
{
    public const string Path = "/signout";

    /// <summary>Where sign-out lands without a return URL.</summary>
    public const string SignedOutPath = "/signed-out";

    public static void MapSignOut(this WebApplication app)
    {
        // Without browser sign-in there is no session or cookie scheme: the path stays unmapped (404), not a 500.
        if (app.Services.GetRequiredService<IOptions<BrowserSignInOptions>>().Value.Authority is null)
        {
            return;
        }

        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], SignOutAsync).AllowAnonymous();
        app.MapGet(SignedOutPath, context => Diagnostics.StatusPages.WriteNoticeAsync(
            context,
            "Signed out",
            "You are signed out of the download gateway and of your sign-in provider.",
            "Open a download link to sign in again, or close this window.")).AllowAnonymous();
    }

    private static async Task SignOutAsync(HttpContext context, string? returnUrl)
    {
        var target = LocalUrl.IsLocal(returnUrl) ? returnUrl! : SignedOutPath;
        var session = await context.AuthenticateAsync(GatewaySchemes.Cookie);
        await context.SignOutAsync(GatewaySchemes.Cookie);
        if (session.Succeeded)
        {
            await context.SignOutAsync(GatewaySchemes.OpenIdConnect, new AuthenticationProperties { RedirectUri = target });
            return;
        }

        context.Response.Redirect(target);
    }
}

/// <summary>
/// Return URLs are local only: a path on this gateway, never another host. They become a Location header, so they
/// are printable ASCII too; anything else (a control character, or non-ASCII text Kestrel refuses in a header) is not followed.
/// </summary>
internal static class LocalUrl
{
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && url.All(c => c is >= ' ' and <= '~');
}
