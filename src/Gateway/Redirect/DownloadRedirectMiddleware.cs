using Gateway.Diagnostics;
using Gateway.Routing;
using Microsoft.AspNetCore.Authentication;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Redirect;

/// <summary>
/// The step inside YARP's pipeline that answers a download route with <c>302</c> to a freshly signed URL
/// for exactly the mapped key (or with the link as JSON when asked). Ordinary proxy routes pass through to YARP.
/// </summary>
internal sealed class DownloadRedirectMiddleware(RequestDelegate next, DownloadRouteTable routes, DownloadSigner signer, IHttpForwarder forwarder)
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
        return pending.IsCompletedSuccessfully ? Answer(context, route, pending.Result) : AnswerAsync(context, route, pending);
    }

    private async Task AnswerAsync(HttpContext context, DownloadRoute route, ValueTask<DownloadOutcome> pending) => await Answer(context, route, await pending);

    private Task Answer(HttpContext context, DownloadRoute route, DownloadOutcome outcome)
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

        if (route.Proxy)
        {
            return StreamAsync(context, link);
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

    /// <summary>Proxy mode: YARP streams the object from the signed URL through the route's cluster client.</summary>
    private async Task StreamAsync(HttpContext context, DownloadLink link)
    {
        var signed = new Uri(link.Url);
        var client = context.GetReverseProxyFeature().Cluster.HttpClient;
        var error = await forwarder.SendAsync(context, signed.GetLeftPart(UriPartial.Authority), client, ForwarderRequestConfig.Empty, new SignedUpstreamTransformer(signed));
        if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            await Problems.WriteAsync(context, StatusCodes.Status502BadGateway, "Storage unavailable", "The file could not be fetched from storage.");
        }
    }
}
