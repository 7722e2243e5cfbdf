using Gateway.Audit;
using Gateway.Authorization;
using Gateway.Diagnostics;
using Gateway.Hosting;
using Gateway.Listing;
using Gateway.Rules;
using Microsoft.AspNetCore.Authentication;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Redirect;

/// <summary>
/// The step inside YARP's pipeline that answers a download route: the <see cref="DownloadDecider"/> decides, the
/// <see cref="LinkIssuer"/> signs, and the answer is <c>302</c> to the signed URL, the link as JSON, or the object
/// streamed (proxy mode). Ordinary proxy routes pass through to YARP.
/// </summary>
internal sealed class DownloadRedirectMiddleware(RequestDelegate next, RuleSetProvider rules, LinkIssuer issuer, IHttpForwarder forwarder, FolderPages folders)
{
    private const string ReferrerPolicyHeader = "Referrer-Policy";

    public Task InvokeAsync(HttpContext context) =>
        context.GetDownloadDecision() is { } decision ? InvokeCore(context, decision) : next(context);

    private Task InvokeCore(HttpContext context, DownloadDecision decision)
    {
        if (FolderPages.IsFolderRequest(context, decision.Route))
        {
            return folders.AnswerAsync(context, decision);
        }

        var request = context.Request;
        var method = HttpMethods.GetCanonicalizedValue(request.Method);
        var verdict = DownloadDecider.Decide(
            rules.Current, decision.Route, new DownloadQuestion(method, request.Path.Value!, request.RouteValues, request.Query, Caller.Of(context)));
        verdict.RecordOn(decision);
        if (!verdict.Allowed)
        {
            // An anonymous caller may still be let in after signing in, so it is challenged rather than refused.
            return verdict.Access is not null && context.User.Identity?.IsAuthenticated != true
                ? context.ChallengeAsync()
                : RefuseAsync(context, decision);
        }

        var pending = issuer.IssueAsync(decision, method, verdict.ObjectKey!, verdict.Overrides!, context.Connection.RemoteIpAddress, context.RequestAborted);
        return pending.IsCompletedSuccessfully ? Answer(context, decision, pending.Result) : AnswerAsync(context, decision, pending);
    }

    private async Task AnswerAsync(HttpContext context, DownloadDecision decision, ValueTask<DownloadLink?> pending) =>
        await Answer(context, decision, await pending);

    private Task Answer(HttpContext context, DownloadDecision decision, DownloadLink? link)
    {
        if (link is null)
        {
            return RefuseAsync(context, decision);
        }

        var response = context.Response;
        var headers = response.Headers;
        var batchItem = ReferenceEquals(context.Features.Get<InProcessRequest>(), InProcessRequest.BatchItem);
        if (decision.Route.Proxy && !batchItem)
        {
            return StreamAsync(context, link);
        }

        headers.CacheControl = "no-store";
        headers[ReferrerPolicyHeader] = "no-referrer";
        if (batchItem || DownloadLink.IsRequested(context.Request))
        {
            return DownloadLink.WriteAsync(response, link);
        }

        response.StatusCode = StatusCodes.Status302Found;
        headers.Location = link.Url;
        return Task.CompletedTask;
    }

    /// <summary>Answers the refusal of <paramref name="decision"/>'s reason: its status, title and detail (with Retry-After for a 503).</summary>
    internal static Task RefuseAsync(HttpContext context, DownloadDecision decision)
    {
        var (status, title, detail) = decision.Reason.Refusal();
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = LinkIssuer.RetryAfterSeconds;
        }

        return Problems.WriteAsync(context, status, title, decision.Detail ?? detail);
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
