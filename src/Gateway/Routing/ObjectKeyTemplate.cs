using System.Buffers;
using System.Text;

namespace Gateway.Routing;

/// <summary>
/// An object-key template such as <c>tenants/{tenant}/{path}</c>, compiled once per route.
/// Route values are inserted as they are: ASP.NET Core decoded them once, and they are never decoded again.
/// </summary>
internal sealed class ObjectKeyTemplate
{
    /// <summary>S3 and COS refuse keys longer than 1024 bytes of UTF-8.</summary>
    public const int MaxKeyBytes = 1024;

    private readonly PlaceholderPart[] _parts;

    private ObjectKeyTemplate(string text, PlaceholderPart[] parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The template as configured.</summary>
    public string Text { get; }

    /// <summary>The fixed text before the first placeholder: every key the template builds starts with it.</summary>
    public string LiteralPrefix => _parts is [{ IsPlaceholder: false } first, ..] ? first.Value : "";

    /// <summary>The route-value names the template uses.</summary>
    public IEnumerable<string> Placeholders => _parts.Where(p => p.IsPlaceholder).Select(p => p.Value);

    /// <summary>Parses a template, or returns the reason it is invalid.</summary>
    public static ObjectKeyTemplate? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "is empty";
            return null;
        }

        if (text[0] == '/')
        {
            error = "must not start with '/'";
            return null;
        }

        var parts = PlaceholderText.TrySplit(text, "{/*?", out error);
        if (parts is null)
        {
            return null;
        }

        foreach (var part in parts)
        {
            if (!part.IsPlaceholder && ObjectKeyRules.Check(part.Value, allowEmpty: true) is { } literalError)
            {
                error = literalError;
                return null;
            }
        }

        return new ObjectKeyTemplate(text, [.. parts]);
    }

    /// <summary>Builds the key from route values, or returns why the values make no valid key.</summary>
    public string? TryBuild(RouteValueDictionary values, out string? error)
    {
        var length = 0;
        foreach (var part in _parts)
        {
            if (!part.IsPlaceholder)
            {
                length += part.Value.Length;
                continue;
            }

            if (values.GetValueOrDefault(part.Value) is not string value || value.Length == 0)
            {
                error = "A part of the object key is empty.";
                return null;
            }

            length += value.Length;
        }

        var key = string.Create(length, (_parts, values), static (span, state) =>
        {
            foreach (var part in state._parts)
            {
                var text = part.IsPlaceholder ? (string)state.values[part.Value]! : part.Value;
                text.CopyTo(span);
                span = span[text.Length..];
            }
        });

        error = ObjectKeyRules.Check(key, allowEmpty: false);
        return error is null ? key : null;
    }

}

/// <summary>What makes an object key unsafe to sign.</summary>
internal static class ObjectKeyRules
{
    // C0 controls, DEL, C1 controls and the backslash.
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Select(i => (char)i)) + "\\");

    /// <summary>Returns null when <paramref name="key"/> is safe, otherwise a reason fit for a 400 response.</summary>
    public static string? Check(ReadOnlySpan<char> key, bool allowEmpty)
    {
        if (key.IsEmpty)
        {
            return allowEmpty ? null : "The object key is empty.";
        }

        if (key.ContainsAny(Forbidden))
        {
            return "The object key contains a backslash or a control character.";
        }

        if (key.Contains('.') && HasDotSegment(key))
        {
            return "The object key contains a '.' or '..' segment.";
        }

        if (key.ContainsAnyInRange('\uD800', '\uDFFF') && !IsWellFormed(key))
        {
            return "The object key is not valid Unicode.";
        }

        if (Encoding.UTF8.GetByteCount(key) > ObjectKeyTemplate.MaxKeyBytes)
        {
            return "The object key is longer than 1024 bytes of UTF-8.";
        }

        return null;
    }

    private static bool HasDotSegment(ReadOnlySpan<char> key)
    {
        foreach (var range in key.Split('/'))
        {
            if (key[range] is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when every surrogate is part of a pair, so the text converts to UTF-8 without loss.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsHighSurrogate(key[i]) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(key[i]))
            {
                return false;
            }
        }

        return true;
    }
}
