using System.Security.Claims;
using Gateway.Audit;
using Gateway.Hosting;
using Gateway.Redirect;
using Gateway.Routing;
using Gateway.Rules;
using Yarp.ReverseProxy.Model;

namespace Gateway.Authorization;

/// <summary>
/// Answers "would this caller be allowed METHOD on PATH, and by which rule?" with the application's own routing and
/// the same decider that requests use. The admin endpoint and the <c>explain</c> verb share it.
/// </summary>
internal static class RuleExplainer
{
    public static async Task<Explanation> ExplainAsync(
        InProcessRequests requests, RuleSet rules, string method, string rawPath, HostString host, Caller caller)
    {
        var upperMethod = HttpMethods.GetCanonicalizedValue(method.ToUpperInvariant());
        var origin = new RequestOrigin(Uri.UriSchemeHttp, host, null, new ClaimsPrincipal(new ClaimsIdentity()), [], CancellationToken.None);
        if (InProcessRequests.Create(upperMethod, rawPath, origin) is not { } context)
        {
            return new Explanation(false, "no-download-route", null, rules.Version, null, null, null);
        }

        await requests.RouteAsync(context);
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<DownloadRoute>() is not { } route)
        {
            return new Explanation(false, "no-download-route", null, rules.Version, null, null, null);
        }

        var policy = endpoint.Metadata.GetMetadata<RouteModel>()?.Config.AuthorizationPolicy;
        var request = context.Request;
        var verdict = DownloadDecider.Decide(rules, route, new DownloadQuestion(upperMethod, request.Path.Value!, request.RouteValues, request.Query, caller));
        var reason = verdict.Access is { } access ? DecisionReasons.From(access).Name() : verdict.Refusal.Name();
        return new Explanation(verdict.Allowed, reason, verdict.Access?.RuleId, verdict.Access?.Version ?? rules.Version, route.RouteId, policy, verdict.ObjectKey);
    }
}

/// <summary>The answer to an explain question.</summary>
/// <param name="Allowed">Whether the rules allow it.</param>
/// <param name="Reason">rule-allow, rule-deny, default-deny, evaluation-error, invalid-key, invalid-options or no-download-route.</param>
/// <param name="RuleId">The deciding rule, or <c>default-deny</c>; null when no rule was asked.</param>
/// <param name="RulesVersion">The version of the rules that answered.</param>
/// <param name="RouteId">The download route the path reaches.</param>
/// <param name="RoutePolicy">The route's ASP.NET Core policy, which requests must also satisfy.</param>
/// <param name="ObjectKey">The object key the path maps to.</param>
internal sealed record Explanation(bool Allowed, string Reason, string? RuleId, string RulesVersion, string? RouteId, string? RoutePolicy, string? ObjectKey);
