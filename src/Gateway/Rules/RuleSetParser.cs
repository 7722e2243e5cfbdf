using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.Rules;

/// <summary>
/// Reads a rules file (its format is in <c>docs/rules.md</c>): the file and each rule's fields, with the conditions left
/// to <see cref="ConditionParser"/>. It validates all of it, and compiles and indexes it into a <see cref="RuleSet"/>. Every problem is reported at once, each naming the rule by index and id
/// and the field; no message repeats a value from the file, since a misplaced secret must not reach a log.
/// </summary>
internal static class RuleSetParser
{
    private const int MaxIdLength = 128;

    private const string Allow = "allow";
    private const string Deny = "deny";
    private const string AnyMethod = "*";

    private static readonly string[] DefaultMethods = ["GET", "HEAD"];

    private static readonly HashSet<string> RuleProperties =
        new(["id", "description", "effect", "methods", "routes", "keys", "paths", "when"], StringComparer.Ordinal);

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

    // RFC 9110 token characters without lower-case letters: methods are case-sensitive and written upper case.
    private static readonly SearchValues<char> MethodCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

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
        var drafts = new List<Rule>();
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            ReadFile(document.RootElement, drafts, errors);
        }
        catch (JsonException ex)
        {
            // The parser's own message can quote the offending text, so only the position is kept.
            throw new RulesValidationException(
                [$"The rules file is {Configuration.ConfigurationProblems.DescribeJson(ex)}."]);
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

    private static Rule[] Rank(List<Rule> drafts)
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
            rules[i] = draft with { Rank = rank };
        }

        return rules;
    }

    private static void ReadFile(JsonElement root, List<Rule> drafts, List<string> errors)
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
                errors.Add($"{RuleJson.DescribeName(property.Name)} is not a known top-level property; the file holds only 'rules'.");
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

    private static Rule? ReadRule(JsonElement element, RuleErrors errors, Dictionary<string, int> firstIndexById)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.AddForRule("must be an object.");
            return null;
        }

        var properties = RuleJson.ReadProperties(element, "", RuleProperties, out var problems);

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
            when = ConditionParser.Read(whenElement, "when", errors);
        }
        else if (isDeny == false)
        {
            // An allow rule without a condition would let anyone in; public access must be written out.
            errors.Add("when", "is required for an allow rule: write {\"authenticated\": true} for any signed-in caller, " +
                "or {\"anonymous\": true} (with {\"any\": [...]} to include signed-in callers) for public access.");
        }

        return errors.HasErrors || id is null || isDeny is null
            ? null
            : new Rule(id, isDeny.Value, methods, routes, keys ?? [], paths ?? [], when);
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

        var methods = RuleJson.ReadStrings(element, "methods", errors);
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
        var routes = RuleJson.ReadStrings(element, "routes", errors);
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
        if (!properties.TryGetValue(field, out var element) || RuleJson.ReadStrings(element, field, errors) is not { } texts)
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
}
