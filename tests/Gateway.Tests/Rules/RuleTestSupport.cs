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

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string spec)
    {
        foreach (var pair in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            yield return new(pair[..separator], pair[(separator + 1)..]);
        }
    }
}
