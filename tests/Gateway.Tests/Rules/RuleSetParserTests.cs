using Gateway.Rules;

namespace Gateway.Tests.Rules;

public sealed class RuleSetParserTests
{
    private const string ValidKeys = "\"keys\": [\"a/**\"]";
    private const string ValidWhen = "\"when\": { \"authenticated\": true }";

    private static IReadOnlyList<string> Errors(string file) =>
        Assert.Throws<RulesValidationException>(() => RuleSetParser.Parse(file)).Errors;

    private static IReadOnlyList<string> RuleErrors(params string[] rules) =>
        Errors($$"""{ "rules": [ {{string.Join(",", rules)}} ] }""");

    [Theory]
    [InlineData("""{ "id": "r", "keys": ["a/**"], "when": { "authenticated": true } }""", "'effect' is required")]
    [InlineData("""{ "id": "r", "effect": "permit", "keys": ["a/**"], "when": { "authenticated": true } }""", "'effect' must be")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"] }""", "'when' is required for an allow rule")]
    [InlineData("""{ "id": "r", "effect": "deny" }""", "'keys' or 'paths' is required")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**"], "metods": ["GET"] }""", "property 'metods'")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": [] }""", "'keys' must be a non-empty array")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": "a/**" }""", "'keys' must be a non-empty array")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**", 3] }""", "'keys[1]' must be a string")]
    [InlineData("""{ "id": "r", "effect": "deny", "paths": [] }""", "'paths' must be a non-empty array")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**"], "methods": ["get"] }""", "'methods[0]' must be an upper-case")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**"], "methods": ["GET", "*"] }""", "'methods' must not list '*'")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**"], "methods": [] }""", "'methods' must be a non-empty array")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**"], "routes": [] }""", "'routes' must be a non-empty array")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**"], "routes": [""] }""", "'routes[0]' must not be empty")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["/a/**"] }""", "'keys[0]' must not start with '/'")]
    [InlineData("""{ "id": "r", "effect": "deny", "paths": ["files/**"] }""", "'paths[0]' must start with '/'")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": [""] }""", "'keys[0]' must not be empty")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/***"] }""", "'keys[0]' has '**' inside a segment")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**b"] }""", "'keys[0]' has '**' inside a segment")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a//b"] }""", "'keys[0]' has an empty segment")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/"] }""", "'keys[0]' has an empty segment")]
    [InlineData("""{ "id": "r", "effect": "deny", "paths": ["/"] }""", "'paths[0]' has an empty segment")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/{claim:}"] }""", "'keys[0]' has a '{claim:}' placeholder")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/{}"] }""", "'keys[0]' has an empty '{}'")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/{**path}"] }""", "'keys[0]' has a placeholder whose route value name")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/{tenant"] }""", "'keys[0]' has a '{' without a matching '}'")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/tenant}"] }""", "'keys[0]' has a '}' without a matching '{'")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/{x{y}}"] }""", "'keys[0]' has a '{' inside a placeholder")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "regex": "abc" } }""", "'when.regex' must start with '^' and end with '$'")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "regex": "^abc" } }""", "'when.regex' must start with '^' and end with '$'")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "regex": "^abc\\$" } }""", "'when.regex' must start with '^' and end with '$'")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "regex": "^(abc$" } }""", "'when.regex' is not a valid regular expression")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "regex": "^(a)\\1$" } }""", "'when.regex' uses a construct")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "regex": "^(?=a)a$" } }""", "'when.regex' uses a construct")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "glob": "" } }""", "'when.glob' must be a non-empty string")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "authenticated": true, "group": "g" } }""", "'when' must have exactly one of")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { } }""", "'when' must have exactly one of")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": true }""", "'when' must be an object")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x" } }""", "'when' must have exactly one of 'equals'")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "equals": "a", "in": ["b"] } }""", "'when' must have exactly one of 'equals'")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "", "equals": "a" } }""", "'when.claim' must be a non-empty claim type")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "group": "g", "equals": "a" } }""", "'when.equals' is only allowed beside 'claim'")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "equals": "" } }""", "'when.equals' must not be empty")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "equals": 3 } }""", "'when.equals' must be a string")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "equals": "{tenant" } }""", "'when.equals' has an unclosed or empty")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "in": [] } }""", "'when.in' must be a non-empty array")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "in": ["a", ""] } }""", "'when.in[1]' must not be empty")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "authenticated": false } }""", "'when.authenticated' must be true")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "anonymous": "yes" } }""", "'when.anonymous' must be true")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "all": [] } }""", "'when.all' must be a non-empty array")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "any": [ { "authenticated": true }, { "group": "" } ] } }""", "'when.any[1].group' must not be empty")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "all": [ { "any": [ { "role": 1 } ] } ] } }""", "'when.all[0].any[0].role' must be a string")]
    [InlineData("""{ "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "x", "equals": "a", "ignoreCase": true } }""", "'when' has property 'ignoreCase'")]
    [InlineData("""{ "id": "r", "effect": "deny", "effect": "allow", "keys": ["a/**"] }""", "'effect' appears more than once")]
    [InlineData("""{ "id": "r", "effect": "deny", "keys": ["a/**"], "description": 5 }""", "'description' must be a string")]
    public void Parse_InvalidRule_NamesTheRuleAndTheField(string rule, string expected)
    {
        var error = Assert.Single(RuleErrors(rule));

        Assert.StartsWith("rules[0] (id 'r'): ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "effect": "deny", "keys": ["a/**"] }""", "rules[0] (no valid id): 'id' is required.")]
    [InlineData("""{ "id": "has space", "effect": "deny", "keys": ["a/**"] }""", "rules[0] (no valid id): 'id' must be")]
    [InlineData("""{ "id": "", "effect": "deny", "keys": ["a/**"] }""", "rules[0] (no valid id): 'id' must be")]
    [InlineData("""{ "id": 7, "effect": "deny", "keys": ["a/**"] }""", "rules[0] (no valid id): 'id' must be")]
    [InlineData("""{ "id": "default-deny", "effect": "deny", "keys": ["a/**"] }""", "rules[0] (no valid id): 'id' is reserved")]
    [InlineData("""{ "id": "evaluation-error", "effect": "deny", "keys": ["a/**"] }""", "rules[0] (no valid id): 'id' is reserved")]
    [InlineData("\"not an object\"", "rules[0] (no valid id): must be an object.")]
    public void Parse_InvalidId_NamesTheRuleByIndex(string rule, string expected) =>
        Assert.StartsWith(expected, Assert.Single(RuleErrors(rule)), StringComparison.Ordinal);

    [Fact]
    public void Parse_DuplicateIds_NameTheFirstRuleWithThatId()
    {
        var errors = RuleErrors(
            """{ "id": "same", "effect": "deny", "keys": ["a/**"] }""",
            """{ "id": "other", "effect": "deny", "keys": ["a/**"] }""",
            """{ "id": "same", "effect": "deny", "keys": ["b/**"] }""");

        Assert.Equal("rules[2] (id 'same'): 'id' repeats the id of rules[0]; ids must be unique.", Assert.Single(errors));
    }

    [Fact]
    public void Parse_ManyProblems_ReportsEveryOneAtOnce()
    {
        var errors = RuleErrors(
            """{ "id": "first", "effect": "allow", "keys": ["/a", "b//c"], "methodz": ["GET"] }""",
            """{ "id": "second", "effect": "deny", "keys": ["ok/**"] }""",
            """{ "id": "third", "effect": "allow", "paths": ["/x/**"], "when": { "claim": "c", "regex": "x" } }""");

        Assert.Equal(
            [
                "rules[0] (id 'first'): has property 'methodz', which is not a known property.",
                "rules[0] (id 'first'): 'keys[0]' must not start with '/' (key patterns match the object key, which has none).",
                "rules[0] (id 'first'): 'keys[1]' has an empty segment ('//', or a '/' at the end); write '**' to match keys with empty segments.",
                "rules[0] (id 'first'): 'when' is required for an allow rule: write {\"authenticated\": true} for any signed-in caller, " +
                    "or {\"anonymous\": true} (with {\"any\": [...]} to include signed-in callers) for public access.",
                "rules[2] (id 'third'): 'when.regex' must start with '^' and end with '$', so that it covers the whole claim value.",
            ],
            errors);
    }

    [Theory]
    [InlineData("""{ "rules": [ { "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "token", "equals": "{sk_live_51HxSECRET" } } ] }""")]
    [InlineData("""{ "rules": [ { "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "token", "regex": "^sk_live_51HxSECRET(" } } ] }""")]
    [InlineData("""{ "rules": [ { "id": "r", "effect": "allow", "keys": ["a/**"], "when": { "claim": "token", "regex": "^sk_live_51HxSECRET($" } } ] }""")]
    [InlineData("""{ "rules": [ { "id": "r", "effect": "deny", "keys": ["sk_live_51HxSECRET//x"] } ] }""")]
    [InlineData("""{ "rules": [ { "id": "sk_live_51HxSECRET extra", "effect": "deny", "keys": ["a"] } ] }""")]
    [InlineData("""{ "rules": [ { "id": "r", "effect": "deny", "keys": ["a"], "sk_live_51HxSECRET": 1 } ] }""")]
    [InlineData("""{ "sk_live_51HxSECRET": 1, "rules": [ { "id": "r", "effect": "deny", "keys": ["a"] } ] }""")]
    [InlineData("""{ "rules": [ { "id": "r", "effect": "sk_live_51HxSECRET", "keys": ["a"] } ] }""")]
    [InlineData("""{ "rules": [ { "id": "r", "effect": "deny", "keys": ["a"] } ], sk_live_51HxSECRET }""")]
    public void Parse_InvalidValue_IsNeverEchoed(string file)
    {
        var exception = Assert.Throws<RulesValidationException>(() => RuleSetParser.Parse(file));

        Assert.NotEmpty(exception.Errors);
        Assert.All(exception.Errors, error => Assert.DoesNotContain("SECRET", error, StringComparison.Ordinal));
        Assert.DoesNotContain("SECRET", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "The rules file must be a JSON object")]
    [InlineData("{}", "'rules' must be a non-empty array")]
    [InlineData("""{ "rules": [] }""", "'rules' must be a non-empty array")]
    [InlineData("""{ "rules": {} }""", "'rules' must be a non-empty array")]
    [InlineData("{ \"rules\": [ \n { \"id\": ", "The rules file is not valid JSON at line 2, column ")]
    [InlineData("", "The rules file is not valid JSON at line 1, column ")]
    public void Parse_InvalidFile_SaysWhatIsWrong(string file, string expected) =>
        Assert.StartsWith(expected, Assert.Single(Errors(file)), StringComparison.Ordinal);

    [Fact]
    public void Parse_CommentsTrailingCommasAndDescriptions_AreAccepted()
    {
        var rules = RuleSetParser.Parse(
            """
            {
              // Operators annotate their rules.
              "rules": [
                { "id": "r", "description": "Everyone signed in reads a/.", "effect": "allow", "keys": ["a/**"], "when": { "authenticated": true }, },
              ],
            }
            """);

        Assert.Equal(1, rules.Count);
    }

    [Fact]
    public void Parse_EveryFormInTheReadme_IsAccepted()
    {
        var rules = RuleSetParser.Parse(
            """
            { "rules": [
              { "id": "tenant-members-read", "effect": "allow", "methods": ["GET", "HEAD"], "keys": ["tenants/{claim:tenant}/**"],
                "when": { "all": [ { "authenticated": true }, { "claim": "scope", "equals": "storage:read" } ] } },
              { "id": "own-folder", "effect": "allow", "keys": ["users/{claim:sub}/**"], "when": { "authenticated": true } },
              { "id": "public-assets", "effect": "allow", "keys": ["public/**"], "when": { "anonymous": true } },
              { "id": "finance-only", "effect": "allow", "paths": ["/files/{tenant}/finance/**"],
                "when": { "any": [ { "group": "finance" }, { "role": "auditor" } ] } },
              { "id": "no-drafts", "effect": "deny", "keys": ["**/drafts/**"] },
              { "id": "route-tenant", "effect": "allow", "routes": ["tenant-files"], "keys": ["tenants/{tenant}/**"],
                "when": { "claim": "tenant", "equals": "{tenant}" } },
              { "id": "uri-claim", "effect": "allow", "keys": ["x/{claim:http://schemas.example/claims/id}/*.pdf"], "methods": ["*"],
                "when": { "claim": "email", "glob": "*@example.com" } },
              { "id": "regex", "effect": "allow", "keys": ["y/**"], "when": { "claim": "n", "regex": "^(a|b)[0-9]+$" } },
              { "id": "in", "effect": "deny", "keys": ["z/{claim:sub}-*.txt"], "when": { "claim": "level", "in": ["x", "tier-{tenant}"] } }
            ] }
            """);

        Assert.Equal(9, rules.Count);
    }

    [Fact]
    public void Parse_ClaimTypeWithSlashes_InPlaceholderIsOneSegment()
    {
        var rules = RuleSetParser.Parse(
            """{ "rules": [ { "id": "r", "effect": "allow", "keys": ["x/{claim:http://schemas.example/claims/id}/*.pdf"], "when": { "authenticated": true } } ] }""");
        var caller = Caller.FromClaims([new("http://schemas.example/claims/id", "42")]);

        Assert.True(rules.Evaluate(new AccessRequest("GET", "x/42/a.pdf", "/", null, new Dictionary<string, object?>(), caller)).Allowed);
        Assert.False(rules.Evaluate(new AccessRequest("GET", "x/41/a.pdf", "/", null, new Dictionary<string, object?>(), caller)).Allowed);
    }

    [Fact]
    public void Parse_RegexAlternation_StaysInsideTheAnchors()
    {
        var rules = RuleSetParser.Parse(
            """{ "rules": [ { "id": "r", "effect": "allow", "keys": ["**"], "when": { "claim": "n", "regex": "^a|b$" } } ] }""");

        Assert.True(Allowed("a"));
        Assert.True(Allowed("b"));
        Assert.False(Allowed("ab-b"));
        Assert.False(Allowed("a-suffix"));
        Assert.False(Allowed("prefix-b"));

        bool Allowed(string value) =>
            rules.Evaluate(new AccessRequest("GET", "k", "/", null, new Dictionary<string, object?>(), Caller.FromClaims([new("n", value)]))).Allowed;
    }
}
