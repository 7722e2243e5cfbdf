using Gateway.Audit;
using Gateway.Routing;
using Gateway.Rules;

namespace Gateway.Redirect;

/// <summary>
/// The pure half of a download: route values → object key → download options → rules → verdict. No I/O, no
/// <see cref="HttpContext"/>; the redirect step asks it, then hands an allowed verdict to the <see cref="LinkIssuer"/>.
/// </summary>
internal static class DownloadDecider
{
    public static DownloadVerdict Decide(RuleSet rules, DownloadRoute route, in DownloadQuestion question)
    {
        var key = route.KeyTemplate.TryBuild(question.RouteValues, out var keyError);
        if (key is null)
        {
            return DownloadVerdict.Refused(DecisionReason.InvalidKey, keyError);
        }

        var overrides = ResponseOverrides.TryCreate(question.Query, route, out var optionsError);
        if (overrides is null)
        {
            return DownloadVerdict.Refused(DecisionReason.InvalidOptions, optionsError);
        }

        var access = rules.Evaluate(new AccessRequest(question.Method, key, question.Path, route.RouteId, question.RouteValues, question.Caller));
        return new DownloadVerdict(key, overrides, access);
    }
}

/// <summary>One download to decide: the request's canonical method, decoded path, route values and query, and the caller.</summary>
/// <param name="Method">GET or HEAD.</param>
/// <param name="Path">The decoded request path.</param>
/// <param name="RouteValues">The route values.</param>
/// <param name="Query">The download options.</param>
/// <param name="Caller">Who is asking.</param>
internal readonly record struct DownloadQuestion(string Method, string Path, RouteValueDictionary RouteValues, IQueryCollection Query, Caller Caller);

/// <summary>The decider's answer: the key, the signed response options and the rules' decision; or why there is none.</summary>
/// <param name="ObjectKey">The object key, when the route values make one.</param>
/// <param name="Overrides">The signed response parameters, when the options are valid.</param>
/// <param name="Access">The rules' decision, when they were asked.</param>
/// <param name="Refusal">Why the input was refused before the rules were asked.</param>
/// <param name="Detail">What was wrong with the input, for the caller; never a secret.</param>
internal readonly record struct DownloadVerdict(
    string? ObjectKey, KeyValuePair<string, string>[]? Overrides, AccessDecision? Access, DecisionReason Refusal = DecisionReason.Unfinished, string? Detail = null)
{
    /// <summary>Allowed by a rule, with a key and options to sign.</summary>
    public bool Allowed => Access is { Allowed: true };

    /// <summary>Records the verdict on the audit record: the rules' answer, or the input that was refused.</summary>
    public void RecordOn(DownloadDecision decision)
    {
        if (Access is { } access)
        {
            decision.Decide(access);
        }
        else
        {
            decision.Decide(Refusal, Detail);
        }
    }

    public static DownloadVerdict Refused(DecisionReason reason, string? detail) => new(null, null, null, reason, detail);
}
