using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Authentication;

/// <summary>
/// ASP.NET Core's authentication step, with a shorter way for a bearer token the JWT handler accepted before: such a
/// request is answered from <see cref="CachingTokenHandler"/> as <see cref="RememberingJwtBearerHandler"/> would answer
/// it, without building the handlers of every scheme for the request. Everything else (a new or changed token, cookies,
/// the OpenID Connect callbacks, a claims transformation) goes through the framework's step unchanged.
/// </summary>
internal sealed class RememberedBearerAuthentication
{
    private readonly RequestDelegate _next;
    private readonly RequestDelegate _framework;
    private readonly IOptionsMonitor<JwtBearerOptions> _bearer;
    private readonly IOptionsMonitor<OpenIdConnectOptions>? _openIdConnect;
    private readonly bool _enabled;

    public RememberedBearerAuthentication(
        RequestDelegate next, RequestDelegate framework, IOptionsMonitor<JwtBearerOptions> bearer, IOptionsMonitor<OpenIdConnectOptions>? openIdConnect, IClaimsTransformation? claimsTransformation)
    {
        _next = next;
        _framework = framework;
        _bearer = bearer;
        _openIdConnect = openIdConnect;

        // A claims transformation runs on every authentication; the shorter way would skip it.
        _enabled = claimsTransformation is null or NoopClaimsTransformation;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!_enabled
            || RememberingJwtBearerHandler.BearerAuthorization(context.Request) is not { } authorization
            || IsOpenIdConnectPath(context.Request.Path))
        {
            return _framework(context);
        }

        var recalled = RememberingJwtBearerHandler.RecallAsync(_bearer.Get(JwtBearerDefaults.AuthenticationScheme), authorization);
        return recalled.IsCompletedSuccessfully ? Continue(context, recalled.Result) : ContinueAsync(context, recalled);
    }

    private async Task ContinueAsync(HttpContext context, ValueTask<ClaimsIdentity?> recalled) =>
        await Continue(context, await recalled);

    private Task Continue(HttpContext context, ClaimsIdentity? identity)
    {
        if (identity is null)
        {
            return _framework(context);
        }

        // What the framework's step leaves behind for a successful authentication; its result is made only if asked for.
        var request = context.Request;
        var features = new AuthenticatedFeatures(new ClaimsPrincipal(identity));
        context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature { OriginalPath = request.Path, OriginalPathBase = request.PathBase });
        context.Features.Set<IHttpAuthenticationFeature>(features);
        context.Features.Set<IAuthenticateResultFeature>(features);
        return _next(context);
    }

    /// <summary>The paths the OpenID Connect handler answers itself, whatever the request carries.</summary>
    private bool IsOpenIdConnectPath(PathString path)
    {
        if (_openIdConnect is null)
        {
            return false;
        }

        var oidc = _openIdConnect.Get(OpenIdConnectDefaults.AuthenticationScheme);
        return path == oidc.CallbackPath || path == oidc.SignedOutCallbackPath || path == oidc.RemoteSignOutPath;
    }

    /// <summary>The features the framework's step sets after a successful authentication (its own class is internal).</summary>
    private sealed class AuthenticatedFeatures(ClaimsPrincipal user) : IHttpAuthenticationFeature, IAuthenticateResultFeature
    {
        private AuthenticateResult? _result;
        private ClaimsPrincipal? _user = user;
        private bool _resultCleared;

        public AuthenticateResult? AuthenticateResult
        {
            get => _result ??= _resultCleared || _user is null
                ? null
                : AuthenticateResult.Success(new AuthenticationTicket(_user, JwtBearerDefaults.AuthenticationScheme));
            set
            {
                _result = value;
                _resultCleared = value is null;
                _user = value?.Principal;
            }
        }

        public ClaimsPrincipal? User
        {
            get => _user;
            set
            {
                _user = value;
                _result = null;
                _resultCleared = true;
            }
        }
    }
}
