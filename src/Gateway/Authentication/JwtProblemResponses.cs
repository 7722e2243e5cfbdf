using Gateway.Diagnostics;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Net.Http.Headers;

namespace Gateway.Authentication;

/// <summary>Answers 401 and 403 from the JWT handler as problem+json, keeping the <c>WWW-Authenticate</c> header.</summary>
internal static class JwtProblemResponses
{
    public static Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var invalid = context.AuthenticateFailure is not null;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = invalid ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Problems.WriteAsync(
            context.HttpContext,
            StatusCodes.Status401Unauthorized,
            "Authentication required",
            invalid ? "The bearer token is not valid." : "This download needs a bearer token.");
    }

    public static Task ForbiddenAsync(ForbiddenContext context) =>
        Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "The caller may not use this route.");
}
