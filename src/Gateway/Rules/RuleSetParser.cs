using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Rules;

/// <summary>
/// Reads a rules file (its format is in <c>README.md</c> beside this file), validates all of it, and compiles and
/// indexes it into a <see cref="RuleSet"/>. Every problem is reported at once, each naming the rule by index and id
/// and the field; no message repeats a value from the file, since a misplaced secret must not reach a log.
/// </summary>
internal static class RuleSetParser
{
    private const int MaxIdLength = 128;
    private const int MaxEchoedNameLength = 24;

    // Non-backtracking matching is linear in the input, so a claim value cannot make a rule slow.
    private const RegexOptions ClaimRegexOptions = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private const string Allow = "allow";
    private const string Deny = "deny";
    private const string AnyMethod = "*";
    private const string ConditionKinds = "'all', 'any', 'authenticated', 'anonymous', 'claim', 'group' or 'role'";
    private const string ClaimOperators = "'equals', 'in', 'glob' or 'regex'";

    private static readonly string[] DefaultMethods = ["GET", "HEAD"];
    private static readonly string[] GroupClaimTypes = ["groups"];
    private static readonly string[] RoleClaimTypes = ["roles", "role"];

    private static readonly HashSet<string> RuleProperties =
        new(["id", "description", "effect", "methods", "routes", "keys", "paths", "when"], StringComparer.Ordinal);

    private static readonly HashSet<string> ConditionProperties =
        new(["all", "any", "authenticated", "anonymous", "claim", "group", "role", "equals", "in", "glob", "regex"], StringComparer.Ordinal);

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

    // RFC 9110 token characters without lower-case letters: methods are case-sensitive and written upper case.
    private static readonly SearchValues<char> MethodCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    // Letters only (no digits): a typo such as "metods" is worth quoting, a pasted access key is not.
    private static readonly SearchValues<char> EchoableNameCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-$");

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses, validates, compiles and indexes a rules file.</summary>
    /// <exception cref="RulesValidationException">The file is not valid; <see cref="RulesValidationException.Errors"/> lists every problem.</exception>
    public static RuleSet Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new List<string>();
        var drafts = new List<RuleDraft>();
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            ReadFile(document.RootElement, drafts, errors);
        }
        catch (JsonException ex)
        {
            // The parser's own message can quote the offending text, so only the position is kept.
            throw new RulesValidationException(
                [$"The rules file is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1} of that line)."]);
        }

        if (errors.Count > 0)
        {
            throw new RulesValidationException(errors);
        }

        return new RuleSet(ComputeVersion(json), Rank(drafts));
    }

    /// <summary>The first 12 lowercase hex characters of the SHA-256 of the text's UTF-8 bytes.</summary>
    internal static string ComputeVersion(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..6]);
    }

    private static Rule[] Rank(List<RuleDraft> drafts)
    {
        var ids = new string[drafts.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = drafts[i].Id;
        }

        Array.Sort(ids, StringComparer.Ordinal);
        var rules = new Rule[drafts.Count];
        for (var i = 0; i < rules.Length; i++)
        {
            var draft = drafts[i];
            var rank = Array.BinarySearch(ids, draft.Id, StringComparer.Ordinal);
            rules[i] = new Rule(draft.Id, rank, draft.IsDeny, draft.Methods, draft.Routes, draft.Keys, draft.Paths, draft.When);
        }

        return rules;
    }

    private static void ReadFile(JsonElement root, List<RuleDraft> drafts, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("The rules file must be a JSON object with a 'rules' array.");
            return;
        }

        JsonElement? rules = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("rules"))
            {
                if (rules is not null)
                {
                    errors.Add("'rules' appears more than once.");
                }

                rules = property.Value;
            }
            else
            {
                errors.Add($"{DescribeName(property.Name)} is not a known top-level property; the file holds only 'rules'.");
            }
        }

        if (rules is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            errors.Add("'rules' must be a non-empty array of rules.");
            return;
        }

        var firstIndexById = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var draft = ReadRule(element, new RuleErrors(errors, index), firstIndexById);
            if (draft is not null)
            {
                drafts.Add(draft);
            }

            index++;
        }
    }

    private static RuleDraft? ReadRule(JsonElement element, RuleErrors errors, Dictionary<string, int> firstIndexById)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.AddForRule("must be an object.");
            return null;
        }

        var properties = ReadProperties(element, "", RuleProperties, out var problems);

        // The id comes first so that every other error can name it.
        var id = ReadId(properties, errors);
        if (id is not null && !firstIndexById.TryAdd(id, errors.Index))
        {
            errors.Add("id", $"repeats the id of rules[{firstIndexById[id]}]; ids must be unique.");
        }

        foreach (var problem in problems)
        {
            errors.Add(problem.Field, problem.Problem);
        }

        if (properties.TryGetValue("description", out var description) && description.ValueKind != JsonValueKind.String)
        {
            errors.Add("description", "must be a string.");
        }

        var isDeny = ReadEffect(properties, errors);
        var methods = ReadMethods(properties, errors);
        var routes = properties.TryGetValue("routes", out var routesElement) ? ReadRoutes(routesElement, errors) : null;
        var keys = ReadPatterns(properties, "keys", isPath: false, errors);
        var paths = ReadPatterns(properties, "paths", isPath: true, errors);
        if (!properties.ContainsKey("keys") && !properties.ContainsKey("paths"))
        {
            errors.Add("keys", "or 'paths' is required: a rule must say which keys or paths it covers.");
        }

        Condition? when = null;
        if (properties.TryGetValue("when", out var whenElement))
        {
            when = ReadCondition(whenElement, "when", errors);
        }
        else if (isDeny == false)
        {
            // An allow rule without a condition would let anyone in; public access must be written out.
            errors.Add("when", "is required for an allow rule: write {\"authenticated\": true} for any signed-in caller, " +
                "or {\"anonymous\": true} (with {\"any\": [...]} to include signed-in callers) for public access.");
        }

        return errors.HasErrors || id is null || isDeny is null
            ? null
            : new RuleDraft(id, isDeny.Value, methods, routes, keys ?? [], paths ?? [], when);
    }

    private static string? ReadId(Dictionary<string, JsonElement> properties, RuleErrors errors)
    {
        if (!properties.TryGetValue("id", out var element))
        {
            errors.Add("id", "is required.");
            return null;
        }

        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: > 0 and <= MaxIdLength } id ||
            id.AsSpan().ContainsAnyExcept(IdCharacters))
        {
            errors.Add("id", $"must be 1 to {MaxIdLength} characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'.");
            return null;
        }

        if (id is AccessDecisions.DefaultDeny or AccessDecisions.EvaluationError)
        {
            errors.Add("id", "is reserved: the engine reports it itself.");
            return null;
        }

        errors.Id = id;
        return id;
    }

    private static bool? ReadEffect(Dictionary<string, JsonElement> properties, RuleErrors errors)
    {
        if (!properties.TryGetValue("effect", out var element))
        {
            errors.Add("effect", "is required: \"allow\" or \"deny\".");
            return null;
        }

        var effect = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        switch (effect)
        {
            case Allow:
                return false;
            case Deny:
                return true;
            default:
                errors.Add("effect", "must be \"allow\" or \"deny\".");
                return null;
        }
    }

    private static string[]? ReadMethods(Dictionary<string, JsonElement> properties, RuleErrors errors)
    {
        if (!properties.TryGetValue("methods", out var element))
        {
            return DefaultMethods;
        }

        var methods = ReadStrings(element, "methods", errors);
        if (methods is null)
        {
            return DefaultMethods;
        }

        for (var i = 0; i < methods.Length; i++)
        {
            var method = methods[i];
            if (method == AnyMethod)
            {
                if (methods.Length > 1)
                {
                    errors.Add("methods", "must not list '*' together with other methods.");
                }
            }
            else if (method.Length == 0 || method.AsSpan().ContainsAnyExcept(MethodCharacters))
            {
                errors.Add($"methods[{i}]", "must be an upper-case HTTP method (such as \"GET\") or '*'.");
            }
        }

        return methods is [AnyMethod] ? null : methods;
    }

    private static string[]? ReadRoutes(JsonElement element, RuleErrors errors)
    {
        var routes = ReadStrings(element, "routes", errors);
        if (routes is null)
        {
            return null;
        }

        for (var i = 0; i < routes.Length; i++)
        {
            if (routes[i].Length == 0)
            {
                errors.Add($"routes[{i}]", "must not be empty.");
            }
        }

        return routes;
    }

    private static SegmentPattern[]? ReadPatterns(Dictionary<string, JsonElement> properties, string field, bool isPath, RuleErrors errors)
    {
        if (!properties.TryGetValue(field, out var element) || ReadStrings(element, field, errors) is not { } texts)
        {
            return null;
        }

        var patterns = new SegmentPattern[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            var pattern = SegmentPattern.TryParse(texts[i], isPath, out var error);
            if (pattern is null)
            {
                errors.Add($"{field}[{i}]", error!);
                continue;
            }

            patterns[i] = pattern;
        }

        return patterns;
    }

    private static Condition? ReadCondition(JsonElement element, string field, RuleErrors errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, $"must be an object with one of {ConditionKinds}.");
            return null;
        }

        var properties = ReadProperties(element, field + ".", ConditionProperties, out var problems);
        foreach (var problem in problems)
        {
            errors.Add(problem.Field, problem.Problem);
        }

        string? kind = null;
        var kinds = 0;
        foreach (var name in properties.Keys)
        {
            if (name is "all" or "any" or "authenticated" or "anonymous" or "claim" or "group" or "role")
            {
                kind = name;
                kinds++;
            }
        }

        if (kinds != 1)
        {
            errors.Add(field, $"must have exactly one of {ConditionKinds}.");
            return null;
        }

        if (kind != "claim")
        {
            foreach (var name in properties.Keys)
            {
                if (name is "equals" or "in" or "glob" or "regex")
                {
                    errors.Add($"{field}.{name}", "is only allowed beside 'claim'.");
                }
            }
        }

        var value = properties[kind!];
        var valueField = $"{field}.{kind}";
        switch (kind)
        {
            case "all":
            case "any":
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                {
                    errors.Add(valueField, "must be a non-empty array of conditions.");
                    return null;
                }

                var conditions = new List<Condition>();
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (ReadCondition(item, $"{valueField}[{index}]", errors) is { } condition)
                    {
                        conditions.Add(condition);
                    }

                    index++;
                }

                return kind == "all" ? new AllCondition([.. conditions]) : new AnyCondition([.. conditions]);

            case "authenticated":
            case "anonymous":
                if (value.ValueKind != JsonValueKind.True)
                {
                    errors.Add(valueField, "must be true (to require the opposite, use the other of 'authenticated' and 'anonymous').");
                    return null;
                }

                return kind == "authenticated" ? SignedInCondition.Authenticated : SignedInCondition.Anonymous;

            case "group":
            case "role":
                var template = ReadTemplate(value, valueField, errors);
                return template is null ? null : new ClaimEqualsCondition(kind == "group" ? GroupClaimTypes : RoleClaimTypes, [template]);

            default:
                return ReadClaimCondition(value, properties, field, errors);
        }
    }

    private static Condition? ReadClaimCondition(JsonElement claim, Dictionary<string, JsonElement> properties, string field, RuleErrors errors)
    {
        var claimType = claim.ValueKind == JsonValueKind.String ? claim.GetString() : null;
        if (string.IsNullOrEmpty(claimType))
        {
            errors.Add($"{field}.claim", "must be a non-empty claim type.");
        }

        string? operatorName = null;
        var operators = 0;
        foreach (var name in properties.Keys)
        {
            if (name is "equals" or "in" or "glob" or "regex")
            {
                operatorName = name;
                operators++;
            }
        }

        if (operators != 1)
        {
            errors.Add(field, $"must have exactly one of {ClaimOperators} beside 'claim'.");
            return null;
        }

        var value = properties[operatorName!];
        var valueField = $"{field}.{operatorName}";
        Condition? condition = null;
        switch (operatorName)
        {
            case "equals":
                if (ReadTemplate(value, valueField, errors) is { } expected)
                {
                    condition = new ClaimEqualsCondition([claimType!], [expected]);
                }

                break;

            case "in":
                if (ReadStrings(value, valueField, errors) is { } texts)
                {
                    var accepted = new ValueTemplate[texts.Length];
                    var valid = true;
                    for (var i = 0; i < texts.Length; i++)
                    {
                        var template = ValueTemplate.TryParse(texts[i], out var error);
                        if (template is null)
                        {
                            errors.Add($"{valueField}[{i}]", error!);
                            valid = false;
                            continue;
                        }

                        accepted[i] = template;
                    }

                    condition = valid ? new ClaimEqualsCondition([claimType!], accepted) : null;
                }

                break;

            case "glob":
                if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } glob)
                {
                    errors.Add(valueField, "must be a non-empty string; '*' matches any run of characters and '?' exactly one.");
                    break;
                }

                condition = new ClaimGlobCondition(claimType!, glob);
                break;

            default:
                if (ReadRegex(value, valueField, errors) is { } regex)
                {
                    condition = new ClaimRegexCondition(claimType!, regex);
                }

                break;
        }

        return string.IsNullOrEmpty(claimType) ? null : condition;
    }

    private static Regex? ReadRegex(JsonElement value, string field, RuleErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            errors.Add(field, "must be a non-empty string.");
            return null;
        }

        if (!text.StartsWith('^') || !EndsWithAnchor(text))
        {
            errors.Add(field, "must start with '^' and end with '$', so that it covers the whole claim value.");
            return null;
        }

        try
        {
            // The pattern as written must be valid on its own. It then runs as ^(?:...)\z: an alternation such as
            // ^a|b$ cannot escape the anchors, and '$' cannot accept a trailing newline.
            _ = new Regex(text, ClaimRegexOptions);
            return new Regex($"^(?:{text[1..^1]})\\z", ClaimRegexOptions);
        }
        catch (NotSupportedException)
        {
            errors.Add(field, "uses a construct the non-backtracking engine lacks (backreferences, lookarounds, atomic groups).");
        }
        catch (ArgumentException)
        {
            // The exception's message quotes the pattern, which is why it is not passed on.
            errors.Add(field, "is not a valid regular expression.");
        }

        return null;
    }

    private static bool EndsWithAnchor(string text)
    {
        if (text.Length < 2 || text[^1] != '$')
        {
            return false;
        }

        // An odd number of backslashes before the '$' escapes it.
        var backslashes = 0;
        for (var i = text.Length - 2; i >= 0 && text[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 0;
    }

    private static ValueTemplate? ReadTemplate(JsonElement value, string field, RuleErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, "must be a string.");
            return null;
        }

        var template = ValueTemplate.TryParse(value.GetString()!, out var error);
        if (template is null)
        {
            errors.Add(field, error!);
        }

        return template;
    }

    private static string[]? ReadStrings(JsonElement element, string field, RuleErrors errors)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            errors.Add(field, "must be a non-empty array of strings.");
            return null;
        }

        var items = new string[element.GetArrayLength()];
        var valid = true;
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add($"{field}[{index}]", "must be a string.");
                valid = false;
            }
            else
            {
                items[index] = item.GetString()!;
            }

            index++;
        }

        return valid ? items : null;
    }

    /// <summary>Collects an object's properties; unknown and repeated ones become problems, since a typo must not widen access.</summary>
    private static Dictionary<string, JsonElement> ReadProperties(
        JsonElement element, string fieldPrefix, HashSet<string> known, out List<(string Field, string Problem)> problems)
    {
        problems = [];
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                problems.Add((fieldPrefix.TrimEnd('.'), $"has {DescribeName(property.Name)}, which is not a known property."));
            }
            else if (!properties.TryAdd(property.Name, property.Value))
            {
                problems.Add((fieldPrefix + property.Name, "appears more than once."));
            }
        }

        return properties;
    }

    /// <summary>Quotes a property name when it looks like one; anything else could be a pasted secret.</summary>
    private static string DescribeName(string name) =>
        name.Length is > 0 and <= MaxEchoedNameLength && !name.AsSpan().ContainsAnyExcept(EchoableNameCharacters)
            ? $"property '{name}'"
            : "a property";

    /// <summary>The rule as read, before ranks are known.</summary>
    private sealed record RuleDraft(
        string Id, bool IsDeny, string[]? Methods, string[]? Routes, SegmentPattern[] Keys, SegmentPattern[] Paths, Condition? When);

    /// <summary>Adds errors prefixed with the rule's index and, once known, its id.</summary>
    private sealed class RuleErrors(List<string> errors, int index)
    {
        private readonly int _countBefore = errors.Count;

        public int Index => index;

        public string? Id { get; set; }

        public bool HasErrors => errors.Count > _countBefore;

        public void AddForRule(string problem) => errors.Add($"{Label} {problem}");

        public void Add(string field, string problem) =>
            errors.Add(field.Length == 0 ? $"{Label} {problem}" : $"{Label} '{field}' {problem}");

        private string Label => Id is null ? $"rules[{index}] (no valid id):" : $"rules[{index}] (id '{Id}'):";
    }
}
