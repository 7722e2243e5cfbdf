using System.Buffers;
using System.Text.Json;

namespace Gateway.Rules;

/// <summary>What reading the rules file and its conditions share: string lists, known properties, and errors that name the rule.</summary>
internal static class RuleJson
{
    private const int MaxEchoedNameLength = 24;

    // Letters only (no digits): a typo such as "metods" is worth quoting, a pasted access key is not.
    private static readonly SearchValues<char> EchoableNameCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-$");

    public static string[]? ReadStrings(JsonElement element, string field, RuleErrors errors)
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
    public static Dictionary<string, JsonElement> ReadProperties(
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
    public static string DescribeName(string name) =>
        name.Length is > 0 and <= MaxEchoedNameLength && !name.AsSpan().ContainsAnyExcept(EchoableNameCharacters)
            ? $"property '{name}'"
            : "a property";
}

/// <summary>Adds errors prefixed with the rule's index and, once known, its id.</summary>
internal sealed class RuleErrors(List<string> errors, int index)
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
