using Gateway.Rules;
using Gateway.TestSupport;
using Microsoft.AspNetCore.Routing;
using static Gateway.Tests.Rules.RuleTestSupport;

namespace Gateway.Tests.Rules;

public sealed class RuleIndexTests
{
    private const int RuleCount = 10_000;

    private static readonly Lazy<RuleSet> Large = new(() => RuleSetParser.Parse(RuleFiles.Realistic(RuleCount)));

    [Theory]
    [InlineData("tenants/t5000/reports/q3.pdf", "tenant=t5000", true, "tenant-5000")]
    [InlineData("tenants/t5000/reports/q3.pdf", "tenant=t5001", false, "default-deny")]
    [InlineData("tenants/t5000/drafts/q3.pdf", "tenant=t5000", false, "no-drafts")]
    [InlineData("tenants/t4990/secret/plan.txt", "tenant=t4990;clearance=low", false, "secrets-t4990")]
    [InlineData("tenants/t4990/secret/plan.txt", "tenant=t4990;clearance=high", true, "tenant-4990")]
    [InlineData("teams/team4997/plan.txt", "groups=team4997", true, "team-4997")]
    [InlineData("users/alice/a.txt", "sub=alice", true, "own-folder")]
    [InlineData("acme/public/logo.svg", "-", true, "public-anywhere")]
    [InlineData("nothing/here", "sub=alice", false, "default-deny")]
    public void Evaluate_TenThousandRules_VisitsOnlyAHandfulOfCandidates(string key, string caller, bool allowed, string ruleId)
    {
        var decision = Large.Value.Evaluate(Request(key, caller), out var candidates);

        Assert.Equal((allowed, ruleId), (decision.Allowed, decision.RuleId));
        Assert.Equal(RuleCount, Large.Value.Count);
        Assert.InRange(candidates, 1, 8);
    }

    [Fact]
    public void Evaluate_TenThousandRules_PathRulesAreIndexedToo()
    {
        var decision = Large.Value.Evaluate(Request("x/y", "roles=auditor", path: "/files/t4999/finance/q3.xlsx"), out var candidates);

        Assert.Equal((true, "finance-4999"), (decision.Allowed, decision.RuleId));
        Assert.InRange(candidates, 1, 8);
    }

    [Fact]
    public void Evaluate_RouteLimitedRules_AreOnlyCandidatesOnTheirRoute()
    {
        var rules = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            rules.Add($$"""{ "id": "route-{{i}}", "effect": "allow", "routes": ["route-{{i}}"], "keys": ["**"], "when": { "authenticated": true } }""");
        }

        var ruleSet = ParseRules([.. rules]);

        var decision = ruleSet.Evaluate(Request("any/key", "sub=a", route: "route-500"), out var candidates);

        Assert.Equal("route-500", decision.RuleId);
        Assert.Equal(1, candidates);
    }

    [Theory]
    [InlineData("tenants/t5000/reports/q3.pdf", "tenant=t5000", "/files/t5000/reports/q3.pdf", null, "")]
    [InlineData("tenants/t5000/drafts/q3.pdf", "tenant=t5000", "/files/t5000/drafts/q3.pdf", null, "")]
    [InlineData("nothing/here", "tenant=t5000", "/nothing/here", null, "")]
    [InlineData("x/y", "roles=auditor", "/files/t4999/finance/q3.xlsx", null, "")]
    [InlineData("users/alice/a.txt", "sub=alice", "/users/alice/a.txt", null, "")]
    public void Evaluate_CommonRequests_AllocateNothing(string key, string caller, string path, string? route, string routeValues)
    {
        var request = Request(key, caller, path: path, route: route, routeValues: routeValues);
        AssertAllocatesNothing(Large.Value, request);
    }

    [Fact]
    public void Evaluate_EveryConditionAndPlaceholderKind_AllocatesNothing()
    {
        var rules = ParseRules(
            """
            { "id": "everything", "effect": "allow", "routes": ["files"], "paths": ["/files/{tenant}/*/report-*.pdf"],
              "keys": ["tenants/{claim:tenant}/{claim:sub}.d/**"],
              "when": { "all": [
                { "authenticated": true },
                { "claim": "tenant", "equals": "{tenant}" },
                { "claim": "scope", "in": ["x", "storage:read"] },
                { "claim": "email", "glob": "*@example.com" },
                { "claim": "employee_id", "regex": "^E[0-9]{4}$" },
                { "any": [ { "group": "finance" }, { "role": "auditor" } ] } ] } }
            """,
            """{ "id": "no-drafts", "effect": "deny", "keys": ["**/drafts/**"] }""");
        var caller = Caller("tenant=acme;sub=alice;scope=storage:read;email=a@example.com;employee_id=E1234;role=auditor");
        var request = new AccessRequest(
            "GET", "tenants/acme/alice.d/x.pdf", "/files/acme/2024/report-q3.pdf", "files", new RouteValueDictionary { ["tenant"] = "acme" }, caller);

        Assert.Equal("everything", rules.Evaluate(request).RuleId);
        AssertAllocatesNothing(rules, request);
    }

    private static void AssertAllocatesNothing(RuleSet rules, AccessRequest request)
    {
        for (var i = 0; i < 1000; i++)
        {
            rules.Evaluate(request);
        }

        // The steady state allocates nothing. A round can still see the runtime's own work on this thread (a method
        // being recompiled while the suite loads the machine), so a few rounds are allowed to find a clean one.
        long allocated = 0;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                rules.Evaluate(request);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }

        Assert.Equal(0, allocated);
    }
}
