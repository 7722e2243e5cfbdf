using System.Text;

namespace Gateway.Routing;

/// <summary>Splits text with <c>{name}</c> placeholders into literal and placeholder parts: key templates and rule values share it.</summary>
internal static class PlaceholderText
{
    /// <summary>Returns the parts in order, or null with the reason when a brace is unbalanced or a name is empty or holds a character of <paramref name="forbiddenInName"/>.</summary>
    public static List<PlaceholderPart>? TrySplit(string text, string forbiddenInName, out string? error)
    {
        error = null;
        var parts = new List<PlaceholderPart>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '}')
            {
                error = "has a '}' without a matching '{'";
                return null;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = text.IndexOf('}', i + 1);
            var name = end < 0 ? "" : text[(i + 1)..end];
            if (name.Length == 0 || name.AsSpan().IndexOfAny(forbiddenInName) >= 0)
            {
                error = "has an unclosed or empty placeholder, or one whose name is not a route value name";
                return null;
            }

            if (literal.Length > 0)
            {
                parts.Add(new PlaceholderPart(literal.ToString(), IsPlaceholder: false));
                literal.Clear();
            }

            parts.Add(new PlaceholderPart(name, IsPlaceholder: true));
            i = end;
        }

        if (literal.Length > 0)
        {
            parts.Add(new PlaceholderPart(literal.ToString(), IsPlaceholder: false));
        }

        return parts;
    }
}

/// <summary>Literal text, or the name of a placeholder.</summary>
/// <param name="Value">The text or the name.</param>
/// <param name="IsPlaceholder">Whether this part is a placeholder.</param>
internal readonly record struct PlaceholderPart(string Value, bool IsPlaceholder);
