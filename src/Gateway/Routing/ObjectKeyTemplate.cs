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

    /// <summary>How many characters of the template are fixed text: the more, the narrower the keys it reaches.</summary>
    public int LiteralLength => _parts.Where(p => !p.IsPlaceholder).Sum(p => p.Value.Length);

    /// <summary>The placeholder the template ends with, or null when it ends with literal text.</summary>
    public string? TrailingPlaceholder => _parts[^1].IsPlaceholder ? _parts[^1].Value : null;

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

    /// <summary>
    /// Builds the key prefix of a folder: the template with its trailing placeholder (see <see cref="TrailingPlaceholder"/>)
    /// set to <paramref name="folder"/>, which is empty or ends with <c>/</c>. The prefix is empty or ends with <c>/</c>,
    /// and obeys the key rules; null with the reason otherwise.
    /// </summary>
    public string? TryBuildPrefix(RouteValueDictionary values, string folder, out string? error)
    {
        var trailing = TrailingPlaceholder ?? throw new InvalidOperationException("The template has no trailing placeholder.");
        var folderValues = new RouteValueDictionary(values) { [trailing] = "x" };
        var sample = TryBuild(folderValues, out error);
        if (sample is null)
        {
            return null;
        }

        var prefix = string.Concat(sample.AsSpan(0, sample.Length - 1), folder);
        if (prefix.Length > 0 && prefix[^1] != '/')
        {
            error = "A folder path ends with '/'.";
            return null;
        }

        error = ObjectKeyRules.Check(prefix.AsSpan().TrimEnd('/'), allowEmpty: true);
        return error is null ? prefix : null;
    }

    /// <summary>
    /// Inverts the template: the route values that build exactly <paramref name="key"/>, or null when none do. A
    /// placeholder never takes an empty value, and takes a <c>/</c> only when <paramref name="isCatchAll"/> says its
    /// route parameter is a catch-all; when several splits fit, the one with the shortest leading values is taken.
    /// </summary>
    public Dictionary<string, string>? TryMatch(string key, Func<string, bool> isCatchAll)
    {
        if (ObjectKeyRules.Check(key, allowEmpty: false) is not null)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return Match(key, 0, 0, values, isCatchAll) ? values : null;
    }

    private bool Match(string key, int part, int at, Dictionary<string, string> values, Func<string, bool> isCatchAll)
    {
        if (part == _parts.Length)
        {
            return at == key.Length;
        }

        var current = _parts[part];
        if (!current.IsPlaceholder)
        {
            return key.AsSpan(at).StartsWith(current.Value, StringComparison.Ordinal)
                && Match(key, part + 1, at + current.Value.Length, values, isCatchAll);
        }

        // A placeholder used twice must take the same value both times.
        if (values.TryGetValue(current.Value, out var bound))
        {
            return key.AsSpan(at).StartsWith(bound, StringComparison.Ordinal)
                && Match(key, part + 1, at + bound.Length, values, isCatchAll);
        }

        var slashAllowed = isCatchAll(current.Value);
        var end = part + 1 == _parts.Length ? key.Length : key.Length - 1;
        for (var stop = at + 1; stop <= end; stop++)
        {
            if (!slashAllowed && key[stop - 1] == '/')
            {
                break;
            }

            if (part + 1 == _parts.Length && stop != key.Length)
            {
                continue;
            }

            values[current.Value] = key[at..stop];
            if (Match(key, part + 1, stop, values, isCatchAll))
            {
                return true;
            }

            values.Remove(current.Value);
        }

        return false;
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
