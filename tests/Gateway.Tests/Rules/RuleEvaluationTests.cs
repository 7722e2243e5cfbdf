using System.Security.Cryptography;
using System.Text;
using Gateway.Rules;
using Microsoft.AspNetCore.Routing;
using static Gateway.Tests.Rules.RuleTestSupport;

namespace Gateway.Tests.Rules;

public sealed class RuleEvaluationTests
{
    // Every condition kind and placeholder kind appears at least once.
    private static readonly RuleSet Fixture = ParseRules(
        """
        { "id": "tenant-members-read", "effect": "allow", "methods": ["GET", "HEAD"], "keys": ["tenants/{claim:tenant}/**"],
          "when": { "all": [ { "authenticated": true }, { "claim": "scope", "equals": "storage:read" } ] } }
        """,
        """{ "id": "own-folder", "effect": "allow", "keys": ["users/{claim:sub}/**"], "when": { "authenticated": true } }""",
        """{ "id": "public-assets", "effect": "allow", "keys": ["public/**"], "when": { "anonymous": true } }""",
        """
        { "id": "finance-only", "effect": "allow", "paths": ["/files/{tenant}/finance/**"],
          "when": { "any": [ { "group": "finance" }, { "role": "auditor" } ] } }
        """,
        """{ "id": "no-drafts", "effect": "deny", "keys": ["**/drafts/**"] }""",
        """
        { "id": "route-tenant", "effect": "allow", "routes": ["tenant-files"], "keys": ["tenants/{tenant}/**"],
          "when": { "claim": "tenant", "equals": "{tenant}" } }
        """,
        """{ "id": "pdf-reports", "effect": "allow", "keys": ["reports/*/report-*.pdf"], "when": { "claim": "dept", "in": ["sales", "ops"] } }""",
        """{ "id": "avatar", "effect": "allow", "keys": ["avatars/{claim:sub}.png"], "when": { "authenticated": true } }""",
        """{ "id": "partner-files", "effect": "allow", "keys": ["partners/*"], "when": { "claim": "email", "glob": "*@partner.example" } }""",
        """{ "id": "staff-only", "effect": "allow", "keys": ["staff/**"], "when": { "claim": "employee_id", "regex": "^E[0-9]{4}$" } }""",
        """{ "id": "uploads", "effect": "allow", "methods": ["PUT"], "keys": ["inbox/{claim:sub}/*"], "when": { "authenticated": true } }""",
        """{ "id": "storage-admin", "effect": "allow", "methods": ["*"], "keys": ["**"], "when": { "role": "storage-admin" } }""",
        """
        { "id": "no-secrets-for-contractors", "effect": "deny", "keys": ["**/secret/**", "**/*.key"],
          "when": { "claim": "employment", "equals": "contractor" } }
        """,
        """
        { "id": "team-members", "effect": "allow", "routes": ["team-files"], "keys": ["shared/{team}/**"],
          "when": { "group": "{team}-members" } }
        """);

    [Theory]
    // Claim placeholder in a key pattern, 'all' with 'authenticated' and 'equals', method filtering.
    [InlineData("GET", "tenants/acme/reports/q3.pdf", "tenant=acme;scope=storage:read", null, "", true, "tenant-members-read")]
    [InlineData("HEAD", "tenants/acme/reports/q3.pdf", "tenant=acme;scope=storage:read", null, "", true, "tenant-members-read")]
    [InlineData("DELETE", "tenants/acme/reports/q3.pdf", "tenant=acme;scope=storage:read", null, "", false, "default-deny")]
    [InlineData("get", "tenants/acme/reports/q3.pdf", "tenant=acme;scope=storage:read", null, "", false, "default-deny")]
    [InlineData("GET", "tenants/globex/reports/q3.pdf", "tenant=acme;scope=storage:read", null, "", false, "default-deny")]
    [InlineData("GET", "tenants/acme/reports/q3.pdf", "tenant=acme", null, "", false, "default-deny")]
    [InlineData("GET", "tenants/acme/reports/q3.pdf", "unauthenticated:tenant=acme;scope=storage:read", null, "", false, "default-deny")]
    [InlineData("GET", "tenants/acme", "tenant=acme;scope=storage:read", null, "", true, "tenant-members-read")]
    // Multi-valued claims: any value fits; a missing claim never matches.
    [InlineData("GET", "tenants/acme/a.txt", "tenant=globex;tenant=acme;scope=storage:read", null, "", true, "tenant-members-read")]
    [InlineData("GET", "tenants/acme/a.txt", "scope=other;scope=storage:read;tenant=acme", null, "", true, "tenant-members-read")]
    [InlineData("GET", "tenants/acme/a.txt", "scope=storage:read", null, "", false, "default-deny")]
    // '**' matches zero or more segments, anywhere; deny overrides allow.
    [InlineData("GET", "tenants/acme/drafts/plan.txt", "tenant=acme;scope=storage:read", null, "", false, "no-drafts")]
    [InlineData("GET", "drafts/plan.txt", "-", null, "", false, "no-drafts")]
    [InlineData("GET", "tenants/acme/drafts", "tenant=acme;scope=storage:read", null, "", false, "no-drafts")]
    [InlineData("GET", "tenants/acme/my-drafts/plan.txt", "tenant=acme;scope=storage:read", null, "", true, "tenant-members-read")]
    // A substituted claim value holding '/' never matches one segment; nor does an empty one.
    [InlineData("GET", "users/alice/notes/todo.txt", "sub=alice", null, "", true, "own-folder")]
    [InlineData("GET", "users/bob/notes/todo.txt", "sub=alice", null, "", false, "default-deny")]
    [InlineData("GET", "users/alice/x/todo.txt", "sub=alice/x", null, "", false, "default-deny")]
    [InlineData("GET", "users//todo.txt", "sub=", null, "", false, "default-deny")]
    // 'anonymous' holds only for callers who did not sign in.
    [InlineData("GET", "public/logo.svg", "-", null, "", true, "public-assets")]
    [InlineData("GET", "public/logo.svg", "sub=alice", null, "", false, "default-deny")]
    // Path patterns (the path is /files/ and the key) with a route-value placeholder; 'group' reads 'groups', 'role' reads 'roles' and 'role'.
    [InlineData("GET", "acme/finance/q3.xlsx", "groups=finance", null, "tenant=acme", true, "finance-only")]
    [InlineData("GET", "acme/finance/q3.xlsx", "groups=staff;groups=finance", null, "tenant=acme", true, "finance-only")]
    [InlineData("GET", "acme/finance/q3.xlsx", "roles=auditor", null, "tenant=acme", true, "finance-only")]
    [InlineData("GET", "acme/finance/q3.xlsx", "role=auditor", null, "tenant=acme", true, "finance-only")]
    [InlineData("GET", "acme/finance/q3.xlsx", "group=finance", null, "tenant=acme", false, "default-deny")]
    [InlineData("GET", "acme/finance/q3.xlsx", "groups=finance", null, "tenant=globex", false, "default-deny")]
    [InlineData("GET", "acme/finance/q3.xlsx", "groups=finance", null, "", false, "default-deny")]
    // Route-limited rules, and a route value inside an 'equals' value.
    [InlineData("GET", "tenants/acme/a.txt", "tenant=acme", "tenant-files", "tenant=acme", true, "route-tenant")]
    [InlineData("GET", "tenants/acme/a.txt", "tenant=acme", "other-files", "tenant=acme", false, "default-deny")]
    [InlineData("GET", "tenants/acme/a.txt", "tenant=acme", null, "tenant=acme", false, "default-deny")]
    [InlineData("GET", "tenants/acme/a.txt", "tenant=globex", "tenant-files", "tenant=acme", false, "default-deny")]
    [InlineData("GET", "tenants/acme/a.txt", "tenant=acme", "tenant-files", "", false, "default-deny")]
    [InlineData("GET", "shared/blue/plan.txt", "groups=blue-members", "team-files", "team=blue", true, "team-members")]
    [InlineData("GET", "shared/blue/plan.txt", "groups=red-members", "team-files", "team=blue", false, "default-deny")]
    // In-segment globs and 'in'.
    [InlineData("GET", "reports/q3/report-final.pdf", "dept=sales", null, "", true, "pdf-reports")]
    [InlineData("GET", "reports/q3/report-.pdf", "dept=ops", null, "", true, "pdf-reports")]
    [InlineData("GET", "reports/q3/summary.pdf", "dept=sales", null, "", false, "default-deny")]
    [InlineData("GET", "reports/q3/report-final.pdf.txt", "dept=sales", null, "", false, "default-deny")]
    [InlineData("GET", "reports/q3/extra/report-final.pdf", "dept=sales", null, "", false, "default-deny")]
    [InlineData("GET", "reports/q3/report-final.pdf", "dept=hr", null, "", false, "default-deny")]
    // '*' is exactly one non-empty segment; 'glob' uses '*' and '?'.
    [InlineData("GET", "partners/price-list.csv", "email=bob@partner.example", null, "", true, "partner-files")]
    [InlineData("GET", "partners/a/b.csv", "email=bob@partner.example", null, "", false, "default-deny")]
    [InlineData("GET", "partners/", "email=bob@partner.example", null, "", false, "default-deny")]
    [InlineData("GET", "partners/price-list.csv", "email=bob@partner.example.evil", null, "", false, "default-deny")]
    // A claim placeholder mixed with literal text in one segment.
    [InlineData("GET", "avatars/alice.png", "sub=alice", null, "", true, "avatar")]
    [InlineData("GET", "avatars/bob.png", "sub=alice", null, "", false, "default-deny")]
    // 'regex' spans the whole value: no trailing newline slips past '$'.
    [InlineData("GET", "staff/handbook.pdf", "employee_id=E1234", null, "", true, "staff-only")]
    [InlineData("GET", "staff/handbook.pdf", "employee_id=E12345", null, "", false, "default-deny")]
    [InlineData("GET", "staff/handbook.pdf", "employee_id=E1234\n", null, "", false, "default-deny")]
    // Explicit methods and '*'.
    [InlineData("PUT", "inbox/alice/upload.bin", "sub=alice", null, "", true, "uploads")]
    [InlineData("GET", "inbox/alice/upload.bin", "sub=alice", null, "", false, "default-deny")]
    [InlineData("DELETE", "tenants/acme/a.txt", "roles=storage-admin", null, "", true, "storage-admin")]
    [InlineData("GET", "tenants/acme/drafts/a.txt", "roles=storage-admin", null, "", false, "no-drafts")]
    // A deny rule without 'methods' covers GET and HEAD only, like any rule.
    [InlineData("DELETE", "tenants/acme/drafts/a.txt", "roles=storage-admin", null, "", true, "storage-admin")]
    // Several denies match: the ordinally smallest id is reported.
    [InlineData("GET", "tenants/acme/drafts/secret/a.txt", "employment=contractor", null, "", false, "no-drafts")]
    [InlineData("GET", "tenants/acme/secret/a.txt", "employment=contractor;tenant=acme;scope=storage:read", null, "", false, "no-secrets-for-contractors")]
    [InlineData("GET", "tenants/acme/keys/id.key", "employment=contractor;tenant=acme;scope=storage:read", null, "", false, "no-secrets-for-contractors")]
    [InlineData("GET", "tenants/acme/secret/a.txt", "employment=staff;tenant=acme;scope=storage:read", null, "", true, "tenant-members-read")]
    // Several allows match: the ordinally smallest id is reported.
    [InlineData("GET", "tenants/acme/a.txt", "roles=storage-admin;tenant=acme;scope=storage:read", null, "", true, "storage-admin")]
    public void Evaluate_Table_DecidesByTheExpectedRule(
        string method, string key, string caller, string? route, string routeValues, bool allowed, string ruleId)
    {
        var decision = Fixture.Evaluate(Request(key, caller, method, route: route, routeValues: routeValues));

        Assert.Equal((allowed, ruleId), (decision.Allowed, decision.RuleId));
        Assert.Null(decision.Error);
        Assert.Equal(Fixture.Version, decision.Version);
    }

    [Theory]
    [InlineData("/files/acme/finance/q3.xlsx", true)]
    [InlineData("/files/acme/finance", true)]
    [InlineData("/files/acme/finances/q3.xlsx", false)]
    [InlineData("files/acme/finance/q3.xlsx", false)]
    [InlineData("", false)]
    public void Evaluate_PathPattern_MatchesTheRequestPathNotTheKey(string path, bool allowed)
    {
        var decision = Fixture.Evaluate(Request("unrelated/key", "groups=finance", path: path, routeValues: "tenant=acme"));

        Assert.Equal(allowed, decision.Allowed);
    }

    [Theory]
    [InlineData("/files/acme/secret/x.pdf")]
    [InlineData("/FILES/acme/secret/x.pdf")]
    [InlineData("/Files/acme/secret/x.pdf")]
    [InlineData("/files/acme/SECRET/x.pdf")]
    [InlineData("/fIlEs/ACME/Secret/X.PDF")]
    [InlineData("/files/acme/reports/draft.TMP")]
    [InlineData("/FILES/acme/a/b/Draft.Tmp")]
    public void Evaluate_PathDenyInAnotherLetterCase_StaysDenied(string path)
    {
        // Routing matches route literals case-insensitively, so every spelling of a denied path must stay denied.
        var rules = ParseRules(
            """{ "id": "everyone", "effect": "allow", "keys": ["**"], "when": { "authenticated": true } }""",
            """{ "id": "no-secrets", "effect": "deny", "paths": ["/files/*/secret/**", "/files/**/*.tmp"] }""");

        var decision = rules.Evaluate(Request("tenants/acme/x.pdf", "sub=alice", path: path, routeValues: "tenant=acme"));

        Assert.Equal((false, "no-secrets"), (decision.Allowed, decision.RuleId));
    }

    [Theory]
    // Literal text of a path pattern ignores letter case, as routing's literals do.
    [InlineData("/FILES/acme/Finance/q3.xlsx", "acme", "sub=acme", true)]
    // Placeholders compare exactly: a route value keeps its case and names a different key.
    [InlineData("/files/ACME/finance/q3.xlsx", "ACME", "sub=acme", true)]
    [InlineData("/files/ACME/finance/q3.xlsx", "acme", "sub=acme", false)]
    [InlineData("/users/ACME/q3.xlsx", "", "sub=acme", false)]
    [InlineData("/Users/acme/q3.xlsx", "", "sub=acme", true)]
    public void Evaluate_PathPatternLetterCase_LiteralsIgnoreCasePlaceholdersDoNot(string path, string tenant, string caller, bool allowed)
    {
        var rules = ParseRules(
            """{ "id": "finance", "effect": "allow", "paths": ["/files/{tenant}/finance/**"], "when": { "authenticated": true } }""",
            """{ "id": "own", "effect": "allow", "paths": ["/users/{claim:sub}/*"], "when": { "authenticated": true } }""");

        var decision = rules.Evaluate(Request("k", caller, path: path, routeValues: tenant.Length > 0 ? $"tenant={tenant}" : ""));

        Assert.Equal(allowed, decision.Allowed);
    }

    [Theory]
    [InlineData(63, false)]
    [InlineData(64, false)]
    [InlineData(65, false)]
    [InlineData(300, false)]
    [InlineData(300, true)]
    public void Evaluate_DeepKeyAndPath_MatchLikeShallowOnes(int depth, bool withDrafts)
    {
        var folders = string.Join('/', Enumerable.Range(0, depth).Select(i => withDrafts && i == depth / 2 ? "drafts" : $"d{i}"));
        var key = $"tenants/acme/{folders}/a.txt";

        var decision = Fixture.Evaluate(Request(key, "tenant=acme;scope=storage:read;groups=finance", path: $"/files/acme/finance/{folders}", routeValues: "tenant=acme"));

        Assert.Equal(withDrafts ? (false, "no-drafts") : (true, "finance-only"), (decision.Allowed, decision.RuleId));
    }

    [Fact]
    public void Evaluate_RouteValueDictionary_IsReadCaseInsensitivelyAsRoutingDoes()
    {
        var values = new RouteValueDictionary { ["Tenant"] = "acme" };
        var request = new AccessRequest("GET", "tenants/acme/a.txt", "/files/acme/a.txt", "tenant-files", values, Caller("tenant=acme"));

        Assert.Equal("route-tenant", Fixture.Evaluate(request).RuleId);
    }

    [Fact]
    public void Evaluate_NonStringRouteValue_IsComparedAsInvariantText()
    {
        var rules = ParseRules("""{ "id": "year", "effect": "allow", "keys": ["archive/{year}/**"], "when": { "authenticated": true } }""");
        var request = new AccessRequest("GET", "archive/2024/a.txt", "/a", null, new RouteValueDictionary { ["year"] = 2024 }, Caller("sub=a"));

        Assert.True(rules.Evaluate(request).Allowed);
    }

    [Fact]
    public void Evaluate_ReorderedRules_GiveTheSameDecisionAndRuleId()
    {
        string[] rules =
        [
            """{ "id": "b-allow", "effect": "allow", "keys": ["a/**"], "when": { "authenticated": true } }""",
            """{ "id": "a-allow", "effect": "allow", "keys": ["**"], "when": { "authenticated": true } }""",
            """{ "id": "d-deny", "effect": "deny", "keys": ["a/x/**"] }""",
            """{ "id": "c-deny", "effect": "deny", "keys": ["*/x/*"] }""",
        ];
        var forward = ParseRules(rules);
        var backward = ParseRules([.. rules.Reverse()]);

        foreach (var key in new[] { "a/b", "a/x/y", "b/x/y", "a/x/y/z" })
        {
            var request = Request(key, "sub=alice");
            var expected = forward.Evaluate(request);
            var actual = backward.Evaluate(request);
            Assert.Equal((expected.Allowed, expected.RuleId), (actual.Allowed, actual.RuleId));
        }

        Assert.Equal("a-allow", forward.Evaluate(Request("a/b", "sub=alice")).RuleId);
        Assert.Equal("c-deny", forward.Evaluate(Request("a/x/y", "sub=alice")).RuleId);
        Assert.Equal("d-deny", forward.Evaluate(Request("a/x/y/z", "sub=alice")).RuleId);
    }

    [Fact]
    public void Evaluate_EmptyRuleSet_DeniesByDefault()
    {
        var decision = RuleSet.Empty.Evaluate(Request("public/a.txt"));

        Assert.Equal(new AccessDecision(false, AccessDecisions.DefaultDeny, "empty", null), decision);
        Assert.Equal(0, RuleSet.Empty.Count);
    }

    [Fact]
    public void Evaluate_DefaultRequest_IsDeniedWithAnError()
    {
        var decision = Fixture.Evaluate(default);

        Assert.False(decision.Allowed);
        Assert.Equal(AccessDecisions.EvaluationError, decision.RuleId);
        Assert.NotNull(decision.Error);
    }

    [Fact]
    public void Evaluate_ThrowingRouteValue_IsDeniedWithAnErrorThatKeepsTheSecretOut()
    {
        var rules = ParseRules("""{ "id": "by-tenant", "effect": "allow", "keys": ["t/{tenant}/**"], "when": { "authenticated": true } }""");
        var request = new AccessRequest("GET", "t/acme/a", "/a", null, new RouteValueDictionary { ["tenant"] = new Throwing() }, Caller("sub=a"));

        var decision = rules.Evaluate(request);

        Assert.Equal((false, AccessDecisions.EvaluationError), (decision.Allowed, decision.RuleId));
        Assert.Contains("by-tenant", decision.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Throwing.Secret, decision.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_IsTheFirst12HexCharactersOfTheSha256OfTheFile()
    {
        const string File = """{ "rules": [ { "id": "x", "effect": "deny", "keys": ["**"] } ] }""";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(File)))[..12];

        var rules = RuleSetParser.Parse(File);

        Assert.Equal(expected, rules.Version);
        Assert.Equal(1, rules.Count);
        Assert.Equal(expected, rules.Evaluate(Request("a")).Version);
    }

    private sealed class Throwing
    {
        public const string Secret = "sk_live_do_not_log";

        public override string ToString() => throw new InvalidOperationException(Secret);
    }
}
