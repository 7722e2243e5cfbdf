using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Gateway.Rules;

namespace Gateway.Tests.Rules;

/// <summary>
/// Random rule sets over a small alphabet of segments, claims and route values, against random requests. A plain
/// reference model (recursive matching, one regex per segment, no index) states what the rules mean.
/// </summary>
public sealed class RulePropertyTests
{
    private const int Iterations = 400;

    private static readonly Gen<string> KeySegment = Gen.Frequency<string>((3, "a"), (2, "b"), (1, "c"), (1, "xa"));
    private static readonly Gen<string> PatternSegment = Gen.Frequency<string>(
        (8, Gen.Frequency<string>((3, "a"), (2, "b"), (1, "c"))),
        (3, Gen.Const("*")),
        (4, Gen.Const("**")),
        (2, Gen.Const("{claim:tenant}")),
        (2, Gen.Const("{t}")),
        (1, Gen.Const("a*")),
        (1, Gen.Const("x{t}")),
        (1, Gen.Const("*{claim:tenant}")));

    private static readonly Gen<string> Pattern = PatternSegment.Array[1, 3].Select(segments => string.Join('/', segments));
    private static readonly Gen<string> Key = KeySegment.Array[1, 4].Select(segments => string.Join('/', segments));
    // Paths also come in other letter cases: path literals ignore case, as routing's do; placeholders do not.
    private static readonly Gen<string> PathSegment = Gen.Frequency<string>((4, KeySegment), (1, Gen.OneOf("A", "B", "XA", "Xa")));
    private static readonly Gen<string> RequestPath = Gen.Frequency<string>(
        (9, PathSegment.Array[1, 3].Select(segments => "/" + string.Join('/', segments))),
        (1, Gen.OneOf("", "a/b")));

    private static readonly Gen<string> ClaimValue = Gen.OneOf("a", "b", "xa", "{t}");

    private static readonly Gen<Cond> Leaf = Gen.OneOf<Cond>(
        Gen.Const<Cond>(new SignedIn(true)),
        Gen.Const<Cond>(new SignedIn(false)),
        ClaimValue.Select(value => (Cond)new TenantEquals([value])),
        ClaimValue.Array[1, 3].Select(values => (Cond)new TenantEquals(values)),
        Gen.OneOf("g1", "g2").Select(group => (Cond)new GroupIs(group)),
        Gen.OneOf("?", "a*", "*a", "x?").Select(glob => (Cond)new TenantGlob(glob)));

    private static readonly Gen<Cond> Condition = Gen.Frequency<Cond>(
        (5, Leaf),
        (1, Leaf.Array[1, 3].Select(items => (Cond)new AllOf(items))),
        (1, Leaf.Array[1, 3].Select(items => (Cond)new AnyOf(items))));

    private static readonly Gen<string[]?> Methods = Gen.OneOf<string[]?>(null, ["GET"], ["PUT"], ["*"], ["HEAD", "PUT"]);
    private static readonly Gen<string[]?> Routes = Gen.Frequency<string[]?>((4, null), (1, ["r1"]), (1, ["r2"]), (1, ["r1", "r2"]));

    private static readonly Gen<GenRule> Rule =
        Gen.Select(Gen.Frequency<bool>((2, false), (1, true)), Methods, Routes, Gen.Int[0, 2], Pattern.Array[1, 2], Pattern.Array[1, 2], Condition, Gen.Bool,
            (deny, methods, routes, targets, keys, paths, when, unconditional) => new GenRule(
                "",
                deny,
                methods,
                routes,
                targets == 1 ? [] : keys,
                targets == 0 ? [] : paths.Select(path => "/" + path).ToArray(),
                deny && unconditional ? null : when));

    // Ids get random prefixes so the ordinal ranking differs from the file order.
    private static readonly Gen<GenRule[]> RuleList =
        Gen.Select(Rule.Array[1, 7], Gen.OneOf("a", "m", "z").Array[7], (rules, prefixes) => rules.Select((rule, i) => rule with { Id = $"{prefixes[i]}{i}" }).ToArray());

    private static readonly Gen<GenRule> ExtraRule =
        Gen.Select(Rule, Gen.OneOf("a", "m", "z"), (rule, prefix) => rule with { Id = $"{prefix}-extra" });

    private static readonly Gen<GenRequest> Request =
        Gen.Select(
            Gen.OneOf("GET", "HEAD", "PUT"),
            Key,
            RequestPath,
            Gen.OneOf<string?>(null, "r1", "r2"),
            Gen.OneOf<string?>(null, "a", "b", "xa"),
            Gen.Frequency<bool>((3, true), (1, false)),
            Gen.OneOf("a", "b", "xa").Array[0, 2],
            Gen.OneOf("g1", "g2").Array[0, 2],
            (method, key, path, route, t, authenticated, tenants, groups) => new GenRequest(method, key, path, route, t, authenticated, tenants, groups));

    [Fact]
    public void Evaluate_RandomRules_AgreeWithTheReferenceModel()
    {
        var allowed = 0;
        var deniedByRule = 0;
        Gen.Select(RuleList, Request).Sample(
            (rules, request) =>
            {
                var decision = Evaluate(rules, request);
                Assert.Null(decision.Error);
                Assert.Equal(Reference(rules, request), (decision.Allowed, decision.RuleId));
                Interlocked.Add(ref allowed, decision.Allowed ? 1 : 0);
                Interlocked.Add(ref deniedByRule, !decision.Allowed && decision.RuleId != AccessDecisions.DefaultDeny ? 1 : 0);
            },
            iter: Iterations);

        // The generators must reach every outcome (about 1 in 8 each), or agreement would prove little.
        Assert.InRange(allowed, Iterations / 20, Iterations);
        Assert.InRange(deniedByRule, Iterations / 20, Iterations);
    }

    [Fact]
    public void Evaluate_AddingADenyRule_NeverGrantsAccess() =>
        Gen.Select(RuleList, ExtraRule, Request).Sample(
            (rules, extra, request) =>
            {
                var before = Evaluate(rules, request);
                var after = Evaluate([.. rules, extra with { Deny = true }], request);
                Assert.True(before.Allowed || !after.Allowed);
            },
            iter: Iterations);

    [Fact]
    public void Evaluate_AddingAnAllowRule_NeverRevokesAccess() =>
        Gen.Select(RuleList, ExtraRule, Condition, Request).Sample(
            (rules, extra, when, request) =>
            {
                var before = Evaluate(rules, request);
                var after = Evaluate([.. rules, extra with { Deny = false, When = extra.When ?? when }], request);
                Assert.True(!before.Allowed || after.Allowed);
            },
            iter: Iterations);

    [Fact]
    public void Evaluate_PermutedRules_GiveTheSameDecisionAndRuleId() =>
        Gen.Select(RuleList, Gen.Int, Request).Sample(
            (rules, seed, request) =>
            {
                var shuffled = rules.ToArray();
                new Random(seed).Shuffle(shuffled);
                var original = Evaluate(rules, request);
                var permuted = Evaluate(shuffled, request);
                Assert.Equal((original.Allowed, original.RuleId), (permuted.Allowed, permuted.RuleId));
            },
            iter: Iterations);

    [Fact]
    public void Evaluate_RequestMatchedByNoAllowRule_IsDenied() =>
        Gen.Select(RuleList, Request).Sample(
            (rules, request) =>
            {
                var decision = Evaluate(rules, request);
                if (!rules.Any(rule => !rule.Deny && Applies(rule, request)))
                {
                    Assert.False(decision.Allowed);
                }

                // And from the engine's side: whatever it allows, one allow rule alone allows.
                if (decision.Allowed)
                {
                    Assert.Contains(rules, rule => !rule.Deny && Evaluate([rule], request).Allowed);
                }
            },
            iter: Iterations);

    [Fact]
    public void Evaluate_LetterCaseVariantOfADeniedPath_StaysDenied() =>
        Gen.Select(Gen.OneOf("files", "acme", "secret", "x.pdf", "Draft.tmp", "q3").Array[1, 5], Gen.Int[0, 3].Array[5], Gen.Int, Gen.Int)
            .Sample(
                (segments, shapes, patternSeed, pathSeed) =>
                {
                    // The deny pattern is built from the path, so the path as written is denied; literals get their own case.
                    var patternRandom = new Random(patternSeed);
                    var pattern = "/" + string.Join('/', segments.Select((segment, i) => shapes[i] switch
                    {
                        0 => RandomCase(segment, patternRandom),
                        1 => "*",
                        2 => $"{RandomCase(segment[..1], patternRandom)}*{RandomCase(segment[^1..], patternRandom)}",
                        _ => "**/" + RandomCase(segment, patternRandom),
                    }));
                    var rules = RuleSetParser.Parse($$"""
                        { "rules": [
                            { "id": "everyone", "effect": "allow", "keys": ["**"], "when": { "authenticated": true } },
                            { "id": "denied", "effect": "deny", "paths": [{{System.Text.Json.JsonSerializer.Serialize(pattern)}}] } ] }
                        """);
                    var path = "/" + string.Join('/', segments);
                    var variant = RandomCase(path, new Random(pathSeed));

                    foreach (var candidate in new[] { path, variant })
                    {
                        var decision = rules.Evaluate(new AccessRequest("GET", "k", candidate, null, new Dictionary<string, object?>(), Caller.FromClaims([new("sub", "a")], true)));
                        Assert.True((false, "denied") == (decision.Allowed, decision.RuleId), $"{candidate} under {pattern}: {decision.RuleId}");
                    }
                },
                iter: Iterations);

    private static string RandomCase(string text, Random random) =>
        string.Concat(text.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)));

    private static AccessDecision Evaluate(GenRule[] rules, GenRequest request) =>
        RuleSetParser.Parse(ToJson(rules)).Evaluate(request.ToAccessRequest());

    private static (bool Allowed, string RuleId) Reference(GenRule[] rules, GenRequest request)
    {
        var matching = rules.Where(rule => Applies(rule, request)).OrderBy(rule => rule.Id, StringComparer.Ordinal).ToList();
        if (matching.FirstOrDefault(rule => rule.Deny) is { } deny)
        {
            return (false, deny.Id);
        }

        return matching.FirstOrDefault() is { } allow ? (true, allow.Id) : (false, AccessDecisions.DefaultDeny);
    }

    private static bool Applies(GenRule rule, GenRequest request)
    {
        var routeFits = rule.Routes is null || (request.Route is not null && rule.Routes.Contains(request.Route));
        var methodFits = rule.Methods switch
        {
            null => request.Method is "GET" or "HEAD",
            ["*"] => true,
            var methods => methods.Contains(request.Method),
        };
        var keyFits = rule.Keys.Any(pattern => Matches(pattern.Split('/'), 0, request.Key.Split('/'), 0, request, ignoreCase: false));
        var pathFits = request.Path.StartsWith('/') &&
            rule.Paths.Any(pattern => Matches(pattern[1..].Split('/'), 0, request.Path[1..].Split('/'), 0, request, ignoreCase: true));
        return routeFits && methodFits && (keyFits || pathFits) && (rule.When is null || Holds(rule.When, request));
    }

    private static bool Matches(string[] pattern, int p, string[] segments, int s, GenRequest request, bool ignoreCase)
    {
        if (p == pattern.Length)
        {
            return s == segments.Length;
        }

        if (pattern[p] == "**")
        {
            for (var next = s; next <= segments.Length; next++)
            {
                if (Matches(pattern, p + 1, segments, next, request, ignoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        return s < segments.Length && SegmentMatches(pattern[p], segments[s], request, ignoreCase) && Matches(pattern, p + 1, segments, s + 1, request, ignoreCase);
    }

    private static bool SegmentMatches(string pattern, string segment, GenRequest request, bool ignoreCase)
    {
        if (pattern == "*")
        {
            return segment.Length > 0;
        }

        var regex = "^";
        foreach (Match token in Regex.Matches(pattern, @"\{claim:tenant\}|\{t\}|\*|[^{*]+"))
        {
            switch (token.Value)
            {
                case "{claim:tenant}":
                    var values = request.Tenants.Where(value => value.Length > 0).Select(Regex.Escape).ToList();
                    if (values.Count == 0)
                    {
                        return false;
                    }

                    regex += "(?:" + string.Join('|', values) + ")";
                    break;
                case "{t}":
                    if (string.IsNullOrEmpty(request.T))
                    {
                        return false;
                    }

                    regex += Regex.Escape(request.T);
                    break;
                case "*":
                    regex += ".*";
                    break;
                default:
                    regex += ignoreCase ? $"(?i:{Regex.Escape(token.Value)})" : Regex.Escape(token.Value);
                    break;
            }
        }

        return Regex.IsMatch(segment, regex + @"\z");
    }

    private static bool Holds(Cond condition, GenRequest request) => condition switch
    {
        SignedIn signedIn => request.Authenticated == signedIn.Authenticated,
        TenantEquals equals => request.Tenants.Any(value => equals.Values.Any(expected => Resolve(expected, request) == value)),
        GroupIs group => request.Groups.Contains(group.Group),
        TenantGlob glob => request.Tenants.Any(value =>
            Regex.IsMatch(value, "^" + Regex.Escape(glob.Glob).Replace(@"\*", ".*").Replace(@"\?", ".") + @"\z")),
        AllOf all => all.Items.All(item => Holds(item, request)),
        AnyOf any => any.Items.Any(item => Holds(item, request)),
        _ => throw new InvalidOperationException(),
    };

    private static string? Resolve(string expected, GenRequest request) =>
        expected == "{t}" ? (string.IsNullOrEmpty(request.T) ? null : request.T) : expected;

    private static string ToJson(GenRule[] rules)
    {
        var array = new JsonArray();
        foreach (var rule in rules)
        {
            var json = new JsonObject { ["id"] = rule.Id, ["effect"] = rule.Deny ? "deny" : "allow" };
            if (rule.Methods is not null)
            {
                json["methods"] = Strings(rule.Methods);
            }

            if (rule.Routes is not null)
            {
                json["routes"] = Strings(rule.Routes);
            }

            if (rule.Keys.Length > 0)
            {
                json["keys"] = Strings(rule.Keys);
            }

            if (rule.Paths.Length > 0)
            {
                json["paths"] = Strings(rule.Paths);
            }

            if (rule.When is not null)
            {
                json["when"] = ToJson(rule.When);
            }

            array.Add(json);
        }

        return new JsonObject { ["rules"] = array }.ToJsonString();
    }

    private static JsonObject ToJson(Cond condition) => condition switch
    {
        SignedIn { Authenticated: true } => new JsonObject { ["authenticated"] = true },
        SignedIn => new JsonObject { ["anonymous"] = true },
        TenantEquals { Values: [var single] } => new JsonObject { ["claim"] = "tenant", ["equals"] = single },
        TenantEquals equals => new JsonObject { ["claim"] = "tenant", ["in"] = Strings(equals.Values) },
        GroupIs group => new JsonObject { ["group"] = group.Group },
        TenantGlob glob => new JsonObject { ["claim"] = "tenant", ["glob"] = glob.Glob },
        AllOf all => new JsonObject { ["all"] = new JsonArray([.. all.Items.Select(item => (JsonNode)ToJson(item))]) },
        AnyOf any => new JsonObject { ["any"] = new JsonArray([.. any.Items.Select(item => (JsonNode)ToJson(item))]) },
        _ => throw new InvalidOperationException(),
    };

    private static JsonArray Strings(string[] values) => new([.. values.Select(value => (JsonNode?)value)]);

    internal abstract record Cond;

    internal sealed record SignedIn(bool Authenticated) : Cond;

    internal sealed record TenantEquals(string[] Values) : Cond;

    internal sealed record GroupIs(string Group) : Cond;

    internal sealed record TenantGlob(string Glob) : Cond;

    internal sealed record AllOf(Cond[] Items) : Cond;

    internal sealed record AnyOf(Cond[] Items) : Cond;

    internal sealed record GenRule(string Id, bool Deny, string[]? Methods, string[]? Routes, string[] Keys, string[] Paths, Cond? When);

    internal sealed record GenRequest(
        string Method, string Key, string Path, string? Route, string? T, bool Authenticated, string[] Tenants, string[] Groups)
    {
        public AccessRequest ToAccessRequest()
        {
            var claims = Tenants.Select(value => new KeyValuePair<string, string>("tenant", value))
                .Concat(Groups.Select(value => new KeyValuePair<string, string>("groups", value)));
            var routeValues = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (T is not null)
            {
                routeValues["t"] = T;
            }

            return new AccessRequest(Method, Key, Path, Route, routeValues, Caller.FromClaims(claims, Authenticated));
        }
    }
}
