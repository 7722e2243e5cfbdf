using Gateway.Audit;
using Gateway.Redirect;
using Gateway.Routing;
using Gateway.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Tests.Redirect;

/// <summary>The pure half of a download: route values, key, options and rules give the verdict, with no request at all.</summary>
public sealed class DownloadDeciderTests
{
    private static readonly RuleSet Rules = RuleSetParser.Parse("""
        { "rules": [
          { "id": "members", "effect": "allow", "keys": [ "tenants/{claim:tenant}/**" ], "when": { "authenticated": true } },
          { "id": "no-drafts", "effect": "deny", "keys": [ "**/drafts/**" ] }
        ] }
        """);

    private static readonly DownloadRoute Route = new("files", "s3", ObjectKeyTemplate.TryParse("tenants/{tenant}/{path}", out _)!, TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData("acme", "q3.pdf", "", "acme", "rule-allow", "members")]
    [InlineData("acme", "drafts/q3.pdf", "", "acme", "rule-deny", "no-drafts")]
    [InlineData("globex", "q3.pdf", "", "acme", "default-deny", AccessDecisions.DefaultDeny)]
    [InlineData("acme", "a\\b", "", "acme", "invalid-key", null)]
    [InlineData("acme", "../globex/x", "", "acme", "invalid-key", null)]
    [InlineData("acme", "q3.pdf", "?response-content-type=text/html", "acme", "invalid-options", null)]
    [InlineData("acme", "q3.pdf", "?download=a%0Ab", "acme", "invalid-options", null)]
    public void Decide_RouteValuesKeyOptionsAndRules_GiveTheVerdict(string tenant, string path, string query, string callerTenant, string reason, string? ruleId)
    {
        var question = new DownloadQuestion(
            "GET",
            $"/files/{tenant}/{path}",
            new RouteValueDictionary { ["tenant"] = tenant, ["path"] = path },
            new QueryCollection(QueryHelpers.ParseQuery(query)),
            Caller.FromClaims([new("sub", "alice"), new("tenant", callerTenant)]));

        var verdict = DownloadDecider.Decide(Rules, Route, question);
        var decision = new DownloadDecision(Route, DateTimeOffset.UnixEpoch);
        verdict.RecordOn(decision);

        Assert.Equal(reason, decision.Reason.Name());
        Assert.Equal(reason == "rule-allow", verdict.Allowed);
        Assert.Equal(ruleId, verdict.Access?.RuleId);
        Assert.Equal(reason.StartsWith("invalid", StringComparison.Ordinal) ? null : $"tenants/{tenant}/{path}", verdict.ObjectKey);
    }
}
