using Gateway.Routing;

namespace Gateway.Rules;

/// <summary>
/// A value to compare a claim with, as written in <c>equals</c> or <c>in</c>: literal text with optional
/// <c>{routeValue}</c> placeholders (<c>"{tenant}"</c>, <c>"tenant-{tenant}"</c>). Compared ordinally, without building a string.
/// </summary>
internal sealed class ValueTemplate
{
    // A template without placeholders is compared as one string; otherwise literal and route-value parts alternate.
    private readonly string? _literal;
    private readonly SegmentPart[] _parts;

    private ValueTemplate(string? literal, SegmentPart[] parts)
    {
        _literal = literal;
        _parts = parts;
    }

    /// <summary>Parses a value, or returns why it is invalid (the reason never repeats the value).</summary>
    public static ValueTemplate? TryParse(string text, out string? error)
    {
        error = null;
        if (text.Length == 0)
        {
            error = "must not be empty.";
            return null;
        }

        if (text.AsSpan().IndexOfAny('{', '}') < 0)
        {
            return new ValueTemplate(text, []);
        }

        var parts = PlaceholderText.TrySplit(text, "{:", out error);
        if (parts is null)
        {
            error += ".";
            return null;
        }

        return new ValueTemplate(null, [.. parts.Select(part => new SegmentPart(part.IsPlaceholder ? SegmentPartKind.RouteValue : SegmentPartKind.Literal, part.Value))]);
    }

    /// <summary>True when <paramref name="value"/> equals the template with the request's route values in it.</summary>
    public bool Matches(string value, in AccessRequest request)
    {
        if (_literal is not null)
        {
            return string.Equals(value, _literal, StringComparison.Ordinal);
        }

        var rest = value.AsSpan();
        foreach (var part in _parts)
        {
            // A missing route value never matches.
            var expected = part.Kind == SegmentPartKind.Literal ? part.Text : request.GetRouteValue(part.Text);
            if (expected is null || !rest.StartsWith(expected, StringComparison.Ordinal))
            {
                return false;
            }

            rest = rest[expected.Length..];
        }

        return rest.IsEmpty;
    }
}
