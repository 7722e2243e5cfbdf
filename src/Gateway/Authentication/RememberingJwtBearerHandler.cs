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
        var authorization = BearerAuthorization(Request);
        if (authorization is not null && await RecallAsync(Options, authorization) is { } identity)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
        }

        var result = await base.HandleAuthenticateAsync();
        if (authorization is not null && result.Succeeded && Options.TokenHandlers is [CachingTokenHandler cache])
        {
            cache.Accept(Token(authorization));
        }

        return result;
    }

    /// <summary>
    /// The shared identity of the bearer token in <paramref name="authorization"/> when this handler accepted it before
    /// and the cache says it still counts; otherwise null (also when the validated-token cache is off).
    /// </summary>
    internal static ValueTask<ClaimsIdentity?> RecallAsync(JwtBearerOptions options, string authorization) =>
        options.TokenHandlers is [CachingTokenHandler cache]
            ? cache.RecallAcceptedAsync(Token(authorization), options.TokenValidationParameters, options.ConfigurationManager as BaseConfigurationManager)
            : ValueTask.FromResult<ClaimsIdentity?>(null);

    /// <summary>The one Authorization header when it carries a bearer token; else null, and the base handler reads the request.</summary>
    internal static string? BearerAuthorization(HttpRequest request) =>
        request.Headers.Authorization is [{ } value] && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? value : null;

    /// <summary>The token as JwtBearerHandler reads it (after "Bearer ", trimmed), without a string of its own.</summary>
    private static ReadOnlySpan<char> Token(string authorization) => authorization.AsSpan(BearerPrefix.Length).Trim();
}
