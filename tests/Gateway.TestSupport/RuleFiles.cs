using System.Text;

namespace Gateway.TestSupport;

// One generator for the rules benchmark and the index test, so the test checks the very rule set the benchmark measures.
/// <summary>Generates rules files shaped like a multi-tenant deployment's.</summary>
public static class RuleFiles
{
    private const int FixedRules = 5;

    /// <summary>A tenant id that has a tenant rule in a file of <paramref name="count"/> rules.</summary>
    public static int MiddleTenant(int count) => (count - FixedRules) / 2 / 10 * 10;

    /// <summary>
    /// <paramref name="count"/> rules: a tenant rule per tenant (with a claim condition), a deny per tenant for its
    /// secrets, per-team folders, a few path rules, and a handful of rules that start with a wildcard or placeholder.
    /// </summary>
    public static string Realistic(int count)
    {
        var rules = new List<string>
        {
            """{ "id": "own-folder", "effect": "allow", "keys": ["users/{claim:sub}/**"], "when": { "authenticated": true } }""",
            """{ "id": "no-drafts", "effect": "deny", "keys": ["**/drafts/**"] }""",
            """{ "id": "no-temp-files", "effect": "deny", "keys": ["**/*.tmp"] }""",
            """{ "id": "public-anywhere", "effect": "allow", "keys": ["*/public/**"], "when": { "anonymous": true } }""",
            """{ "id": "inbox", "effect": "allow", "methods": ["PUT"], "keys": ["{claim:tenant}/inbox/*"], "when": { "authenticated": true } }""",
        };

        for (var i = 0; rules.Count < count; i++)
        {
            rules.Add(
                (i % 10) switch
                {
                    7 => $$"""{ "id": "team-{{i}}", "effect": "allow", "keys": ["teams/team{{i}}/**"], "when": { "group": "team{{i}}" } }""",
                    8 => $$"""{ "id": "secrets-t{{i - 8}}", "effect": "deny", "keys": ["tenants/t{{i - 8}}/secret/**"], "when": { "claim": "clearance", "in": ["none", "low"] } }""",
                    9 => $$"""{ "id": "finance-{{i}}", "effect": "allow", "paths": ["/files/t{{i}}/finance/**"], "when": { "role": "auditor" } }""",
                    _ => $$"""{ "id": "tenant-{{i}}", "effect": "allow", "methods": ["GET", "HEAD"], "keys": ["tenants/t{{i}}/**"], "when": { "all": [ { "authenticated": true }, { "claim": "tenant", "equals": "t{{i}}" } ] } }""",
                });
        }

        var file = new StringBuilder("{ \"rules\": [\n");
        file.AppendJoin(",\n", rules.Take(count));
        return file.Append("\n] }").ToString();
    }
}
