using Gateway.Diagnostics;
using Gateway.Routing;
using Microsoft.AspNetCore.Authentication;

namespace Gateway.Redirect;

/// <summary>
/// The step inside YARP's pipeline that answers a download route with <c>302</c> to a freshly signed URL
/// for exactly the mapped key (or with the link as JSON when asked). Ordinary proxy routes pass through to YARP.
/// </summary>
internal sealed class DownloadRedirectMiddleware(RequestDelegate next, DownloadRouteTable routes, DownloadSigner signer)
{
    private const string ReferrerPolicyHeader = "Referrer-Policy";

    public Task InvokeAsync(HttpContext context)
    {
        var route = routes.Find(context.GetReverseProxyFeature().Route.Config);
        return route is null ? next(context) : InvokeCore(context, route);
    }

    private Task InvokeCore(HttpContext context, DownloadRoute route)
    {
        var request = context.Request;
        var pending = signer.SignAsync(context, new DownloadRequest(
            route, HttpMethods.GetCanonicalizedValue(request.Method), request.Path.Value!, request.RouteValues, request.Query, context.User));
        return pending.IsCompletedSuccessfully ? Answer(context, pending.Result) : AnswerAsync(context, pending);
    }

    private static async Task AnswerAsync(HttpContext context, ValueTask<DownloadOutcome> pending) => await Answer(context, await pending);

    private static Task Answer(HttpContext context, DownloadOutcome outcome)
    {
        var response = context.Response;
        var headers = response.Headers;
        if (outcome.Link is not { } link)
        {
            if (outcome.Status == StatusCodes.Status401Unauthorized)
            {
                return context.ChallengeAsync();
            }

            if (outcome.Status == StatusCodes.Status503ServiceUnavailable)
            {
                headers.RetryAfter = DownloadSigner.RetryAfterSeconds;
            }

            return Problems.WriteAsync(context, outcome.Status, outcome.Title!, outcome.Detail);
        }

        headers.CacheControl = "no-store";
        headers[ReferrerPolicyHeader] = "no-referrer";
        if (DownloadLink.IsRequested(context.Request))
        {
            return DownloadLink.WriteAsync(response, link);
        }

        response.StatusCode = StatusCodes.Status302Found;
        headers.Location = link.Url;
        return Task.CompletedTask;
    }
}
