using System.Text;

namespace Gateway.Rules;

/// <summary>
/// A compiled key or path pattern (<c>tenants/{claim:tenant}/**</c>, <c>/files/{tenant}/*.pdf</c>): one matcher per
/// <c>/</c>-separated segment. Its leading literal segments are what the rule index files it under.
/// </summary>
internal sealed class SegmentPattern
{
    private const string ClaimPrefix = "claim:";

    private readonly SegmentMatcher[] _segments;

    private SegmentPattern(string text, SegmentMatcher[] segments)
    {
        Text = text;
        _segments = segments;
        var literals = 0;
        while (literals < segments.Length && segments[literals].Kind == SegmentKind.Literal)
        {
            literals++;
        }

        LiteralPrefixLength = literals;
    }

    /// <summary>The pattern as written in the rules file.</summary>
    public string Text { get; }

    /// <summary>How many segments, from the start, are plain literals.</summary>
    public int LiteralPrefixLength { get; }

    /// <summary>The literal text of segment <paramref name="index"/>, which is below <see cref="LiteralPrefixLength"/>.</summary>
    public string LiteralAt(int index) => _segments[index].Literal;

    /// <summary>
    /// Parses a pattern, or returns why it is invalid (the reason never repeats the pattern).
    /// Path patterns start with <c>/</c>, which is then dropped; key patterns must not.
    /// </summary>
    public static SegmentPattern? TryParse(string text, bool isPath, out string? error)
    {
        if (text.Length == 0)
        {
            error = "must not be empty.";
            return null;
        }

        if (isPath != (text[0] == '/'))
        {
            error = isPath ? "must start with '/'." : "must not start with '/' (key patterns match the object key, which has none).";
            return null;
        }

        var segments = new List<SegmentMatcher>();
        var body = isPath ? text.AsSpan(1) : text.AsSpan();
        var start = 0;
        var insidePlaceholder = false;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i < body.Length)
            {
                var c = body[i];
                if (c == '{')
                {
                    if (insidePlaceholder)
                    {
                        error = "has a '{' inside a placeholder.";
                        return null;
                    }

                    insidePlaceholder = true;
                    continue;
                }

                if (c == '}')
                {
                    insidePlaceholder = false;
                    continue;
                }

                // A '/' inside braces belongs to a claim type such as a URI, not to the pattern.
                if (c != '/' || insidePlaceholder)
                {
                    continue;
                }
            }
            else if (insidePlaceholder)
            {
                error = "has a '{' without a matching '}'.";
                return null;
            }

            // Path literals ignore letter case, as routing's literals do, so a deny holds for every spelling routing
            // sends to the same route; key literals compare exactly, as stores do.
            var segment = ParseSegment(body[start..i], isPath ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal, out error);
            if (segment is null)
            {
                return null;
            }

            segments.Add(segment);
            start = i + 1;
        }

        error = null;
        return new SegmentPattern(text, [.. segments]);
    }

    /// <summary>
    /// True when <paramref name="text"/> fits the pattern, both taken from segment <paramref name="from"/> on: the
    /// index has already compared the segments before it, which are literals.
    /// </summary>
    public bool Matches(scoped in SegmentedText text, int from, in AccessRequest request)
    {
        // Greedy glob matching over segments: each '**' remembers where it started, and on a mismatch the last one
        // takes one more segment. Every other matcher takes exactly one segment, so this is exact and O(n·m).
        var segments = _segments;
        var patternIndex = from;
        var textIndex = from;
        var retryPattern = -1;
        var retryText = -1;
        while (textIndex < text.Count)
        {
            if (patternIndex < segments.Length)
            {
                var segment = segments[patternIndex];
                if (segment.Kind == SegmentKind.AnySegments)
                {
                    retryPattern = ++patternIndex;
                    retryText = textIndex;
                    continue;
                }

                if (segment.Matches(text[textIndex], request))
                {
                    patternIndex++;
                    textIndex++;
                    continue;
                }
            }

            if (retryPattern < 0)
            {
                return false;
            }

            patternIndex = retryPattern;
            textIndex = ++retryText;
        }

        while (patternIndex < segments.Length && segments[patternIndex].Kind == SegmentKind.AnySegments)
        {
            patternIndex++;
        }

        return patternIndex == segments.Length;
    }

    internal static SegmentMatcher? ParseSegment(ReadOnlySpan<char> segment, StringComparison literalComparison, out string? error)
    {
        error = null;
        switch (segment)
        {
            case []:
                error = "has an empty segment ('//', or a '/' at the end); write '**' to match keys with empty segments.";
                return null;
            case "*":
                return SegmentMatcher.AnySegment;
            case "**":
                return SegmentMatcher.AnySegments;
        }

        var parts = new List<SegmentPart>();
        var literal = new StringBuilder();
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '}':
                    error = "has a '}' without a matching '{'.";
                    return null;

                case '*':
                    if (i + 1 < segment.Length && segment[i + 1] == '*')
                    {
                        error = "has '**' inside a segment; '**' must be a whole segment.";
                        return null;
                    }

                    FlushLiteral(parts, literal);
                    parts.Add(new SegmentPart(SegmentPartKind.Wildcard, ""));
                    break;

                case '{':
                    var length = segment[(i + 1)..].IndexOf('}');
                    var name = segment.Slice(i + 1, length);
                    var placeholder = ParsePlaceholder(name, out error);
                    if (placeholder is null)
                    {
                        return null;
                    }

                    FlushLiteral(parts, literal);
                    parts.Add(placeholder.Value);
                    i += length + 1;
                    break;

                default:
                    literal.Append(c);
                    break;
            }
        }

        if (parts.Count == 0)
        {
            return SegmentMatcher.ForLiteral(literal.ToString(), literalComparison);
        }

        FlushLiteral(parts, literal);
        return SegmentMatcher.ForParts([.. parts], literalComparison);
    }

    private static SegmentPart? ParsePlaceholder(ReadOnlySpan<char> name, out string? error)
    {
        error = null;
        if (name.StartsWith(ClaimPrefix, StringComparison.Ordinal))
        {
            var claimType = name[ClaimPrefix.Length..];
            if (claimType.IsEmpty)
            {
                error = "has a '{claim:}' placeholder without a claim type.";
                return null;
            }

            return new SegmentPart(SegmentPartKind.Claim, claimType.ToString());
        }

        if (name.IsEmpty)
        {
            error = "has an empty '{}' placeholder.";
            return null;
        }

        // Route values are single segments here: a catch-all value such as {**path} holds '/', so it could never match.
        if (name.ContainsAny("*?:/"))
        {
            error = "has a placeholder whose route value name holds '*', '?', ':' or '/'; use '**' to match any number of segments.";
            return null;
        }

        return new SegmentPart(SegmentPartKind.RouteValue, name.ToString());
    }

    private static void FlushLiteral(List<SegmentPart> parts, StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            parts.Add(new SegmentPart(SegmentPartKind.Literal, literal.ToString()));
            literal.Clear();
        }
    }
}
