using Gateway.Configuration;
using Gateway.Routing;
using Gateway.Rules;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Authorization;

/// <summary>
/// Answers "would this caller be allowed METHOD on PATH, and by which rule?" with the same route mapping and the
/// same evaluator that requests use. The admin endpoint and the <c>explain</c> verb share it.
/// </summary>
internal static class RuleExplainer
{
    public static Explanation Explain(IEnumerable<RouteConfig> routes, GatewayOptions options, RuleSet rules, string method, string rawPath, Caller caller)
    {
        var upperMethod = method.ToUpperInvariant();
        var resolved = new DownloadPathResolver(routes, options).Resolve(rawPath);
        if (resolved is null)
        {
            return new Explanation(false, "no-download-route", null, rules.Version, null, null, null);
        }

        if (resolved.ObjectKey is null)
        {
            return new Explanation(false, "invalid-key", null, rules.Version, resolved.Route.RouteId, resolved.Config.AuthorizationPolicy, null);
        }

        var decision = rules.Evaluate(new AccessRequest(upperMethod, resolved.ObjectKey, resolved.Path, resolved.Route.RouteId, resolved.Values, caller));
        var reason = decision.Error is not null ? "evaluation-error" : decision.Allowed ? "rule-allow" : decision.RuleId == AccessDecisions.DefaultDeny ? "default-deny" : "rule-deny";
        return new Explanation(decision.Allowed, reason, decision.RuleId, decision.Version, resolved.Route.RouteId, resolved.Config.AuthorizationPolicy, resolved.ObjectKey);
    }
}

/// <summary>The answer to an explain question.</summary>
/// <param name="Allowed">Whether the rules allow it.</param>
/// <param name="Reason">rule-allow, rule-deny, default-deny, evaluation-error, invalid-key or no-download-route.</param>
/// <param name="RuleId">The deciding rule, or <c>default-deny</c>; null when no rule was asked.</param>
/// <param name="RulesVersion">The version of the rules that answered.</param>
/// <param name="RouteId">The download route the path reaches.</param>
/// <param name="RoutePolicy">The route's ASP.NET Core policy, which requests must also satisfy.</param>
/// <param name="ObjectKey">The object key the path maps to.</param>
internal sealed record Explanation(bool Allowed, string Reason, string? RuleId, string RulesVersion, string? RouteId, string? RoutePolicy, string? ObjectKey);
