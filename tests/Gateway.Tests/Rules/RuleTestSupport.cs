using System.Text;
using Gateway.Rules;

namespace Gateway.Tests.Rules;

/// <summary>Builds rule sets, callers and requests from short strings, so test tables stay readable.</summary>
internal static class RuleTestSupport
{
    /// <summary>Parses a rules file whose <c>rules</c> array holds <paramref name="rules"/>.</summary>
    public static RuleSet ParseRules(params string[] rules) => RuleSetParser.Parse($$"""{ "rules": [ {{string.Join(",\n", rules)}} ] }""");

    /// <summary>
    /// A caller from <c>"-"</c> (anonymous), <c>"type=value;type=value"</c> (signed in; repeat a type for several values),
    /// or the same prefixed with <c>"unauthenticated:"</c>.
    /// </summary>
    public static Caller Caller(string spec)
    {
        if (spec == "-")
        {
            return Gateway.Rules.Caller.Anonymous;
        }

        const string Unauthenticated = "unauthenticated:";
        var authenticated = !spec.StartsWith(Unauthenticated, StringComparison.Ordinal);
        return Gateway.Rules.Caller.FromClaims(Pairs(authenticated ? spec : spec[Unauthenticated.Length..]), authenticated);
    }

    /// <summary>Route values from <c>"name=value;name=value"</c>.</summary>
    public static Dictionary<string, object?> RouteValues(string spec) =>
        Pairs(spec).ToDictionary(pair => pair.Key, pair => (object?)pair.Value, StringComparer.Ordinal);

    /// <summary>A request; the path defaults to <c>/files/</c> followed by the key.</summary>
    public static AccessRequest Request(
        string key, string caller = "-", string method = "GET", string? path = null, string? route = null, string routeValues = "") =>
        new(method, key, path ?? "/files/" + key, route, RouteValues(routeValues), Caller(caller));

    /// <summary>
    /// A realistic large rule set: a tenant rule per tenant (with a claim condition), a deny per tenant for its
    /// secrets, per-team folders, a few path rules, and a handful of rules that start with a wildcard or placeholder.
    /// </summary>
    public static string LargeRulesFile(int count)
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

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string spec)
    {
        foreach (var pair in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            yield return new(pair[..separator], pair[(separator + 1)..]);
        }
    }
}
