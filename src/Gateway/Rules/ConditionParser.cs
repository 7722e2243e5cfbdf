using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Rules;

/// <summary>
/// The grammar of a rule's <c>when</c>: <c>all</c>, <c>any</c>, <c>authenticated</c>, <c>anonymous</c>, and claims
/// compared with <c>equals</c>, <c>in</c>, <c>glob</c> or <c>regex</c> (or the <c>group</c> and <c>role</c> shorthands).
/// </summary>
internal static class ConditionParser
{
    // Non-backtracking matching is linear in the input, so a claim value cannot make a rule slow.
    private const RegexOptions ClaimRegexOptions = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private const string ConditionKinds = "'all', 'any', 'authenticated', 'anonymous', 'claim', 'group' or 'role'";
    private const string ClaimOperators = "'equals', 'in', 'glob' or 'regex'";

    private static readonly string[] GroupClaimTypes = ["groups"];
    private static readonly string[] RoleClaimTypes = ["roles", "role"];

    private static readonly HashSet<string> ConditionProperties =
        new(["all", "any", "authenticated", "anonymous", "claim", "group", "role", "equals", "in", "glob", "regex"], StringComparer.Ordinal);

    /// <summary>Reads one condition, or returns null with its problems added to <paramref name="errors"/>.</summary>
    public static Condition? Read(JsonElement element, string field, RuleErrors errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, $"must be an object with one of {ConditionKinds}.");
            return null;
        }

        var properties = RuleJson.ReadProperties(element, field + ".", ConditionProperties, out var problems);
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
                    if (Read(item, $"{valueField}[{index}]", errors) is { } condition)
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
                if (RuleJson.ReadStrings(value, valueField, errors) is { } texts)
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
}
