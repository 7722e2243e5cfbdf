using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// The JWT bearer handler, answering a token it accepted before from <see cref="CachingTokenHandler"/>: an app sends
/// the same token with many requests, and each one after the first skips the handler's per-request work (the
/// validation parameters' copy, the token parsing, the event contexts). A token counts only after the whole handler
/// accepted it, its events included, and only while the cache says it still counts (expiry, cache time, current key).
/// </summary>
internal sealed class RememberingJwtBearerHandler(IOptionsMonitor<JwtBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : JwtBearerHandler(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var cache = Options.TokenHandlers is [CachingTokenHandler only] ? only : null;
        var token = cache is null ? null : BearerToken(Request);
        if (token is not null
            && await cache!.RecallAcceptedAsync(token, Options.TokenValidationParameters, Options.ConfigurationManager as BaseConfigurationManager) is { } identity)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
        }

        var result = await base.HandleAuthenticateAsync();
        if (token is not null && result.Succeeded)
        {
            cache!.Accept(token);
        }

        return result;
    }

    /// <summary>The token as JwtBearerHandler reads it: the Authorization header's value after "Bearer ", trimmed.</summary>
    private static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } value || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = value[BearerPrefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
