using System.Text.RegularExpressions;
using Gateway.Rules;
using Gateway.TestSupport;
using static Gateway.Tests.Rules.RuleTestSupport;

namespace Gateway.Tests.Rules;

/// <summary>The rules documentation's example file and worked examples, checked against the engine.</summary>
public sealed partial class RulesReadmeTests
{
    private static readonly Lazy<RuleSet> Example = new(() =>
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "docs", "rules.md"));
        return RuleSetParser.Parse(FirstJsonBlock().Match(readme).Groups[1].Value);
    });

    [Theory]
    [InlineData("GET", "tenants/acme/reports/q3.pdf", null, null, "", "tenant=acme;scope=storage:read", true, "tenant-members-read")]
    [InlineData("DELETE", "tenants/acme/reports/q3.pdf", null, null, "", "tenant=acme;scope=storage:read", false, "default-deny")]
    [InlineData("GET", "tenants/acme/reports/q3.pdf", null, null, "", "tenant=globex;tenant=acme;scope=storage:read", true, "tenant-members-read")]
    [InlineData("GET", "tenants/acme/drafts/plan.pdf", null, null, "", "tenant=acme;scope=storage:read", false, "no-drafts")]
    [InlineData("GET", "users/alice/notes.txt", null, null, "", "sub=alice", true, "own-folder")]
    [InlineData("GET", "users/alice/x/notes.txt", null, null, "", "sub=alice/x", false, "default-deny")]
    [InlineData("GET", "public/logo.svg", null, null, "", "-", true, "public-assets")]
    [InlineData("GET", "acme/finance/q3.xlsx", "/files/acme/finance/q3.xlsx", null, "tenant=acme", "groups=finance", true, "finance-only")]
    [InlineData("GET", "tenants/acme/a.txt", null, "tenant-files", "tenant=acme", "tenant=acme", true, "route-tenant")]
    [InlineData("GET", "tenants/acme/a.txt", null, "other", "tenant=acme", "tenant=acme", false, "default-deny")]
    [InlineData("GET", "public/logo.svg", null, null, "", "sub=alice", true, "public-assets")]
    [InlineData("GET", "tenants/acme/reports/q3.pdf", null, null, "", "-", false, "default-deny")]
    public void Readme_WorkedExample_IsWhatTheEngineDecides(
        string method, string key, string? path, string? route, string routeValues, string caller, bool allowed, string ruleId)
    {
        var decision = Example.Value.Evaluate(Request(key, caller, method, path, route, routeValues));

        Assert.Equal((allowed, ruleId), (decision.Allowed, decision.RuleId));
    }

    [GeneratedRegex(@"```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstJsonBlock();
}
