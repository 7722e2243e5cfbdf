namespace Gateway.Rules;

/// <summary>What one pattern segment matches.</summary>
internal enum SegmentKind
{
    /// <summary>Exactly the literal text.</summary>
    Literal,

    /// <summary><c>*</c>: exactly one non-empty segment.</summary>
    AnySegment,

    /// <summary><c>**</c>: zero or more segments; the pattern handles it, not the matcher.</summary>
    AnySegments,

    /// <summary>Literal text mixed with <c>*</c> globs and placeholders, such as <c>report-*.pdf</c> or <c>{claim:sub}.pdf</c>.</summary>
    Composite,
}

/// <summary>What one part of a composite segment matches.</summary>
internal enum SegmentPartKind
{
    /// <summary>Exactly the text.</summary>
    Literal,

    /// <summary><c>*</c> inside a segment: zero or more characters.</summary>
    Wildcard,

    /// <summary><c>{name}</c>: the route value <c>name</c>.</summary>
    RouteValue,

    /// <summary><c>{claim:type}</c>: any one value of the caller's claim <c>type</c>.</summary>
    Claim,
}

/// <summary>One part of a composite segment.</summary>
/// <param name="Kind">What the part matches.</param>
/// <param name="Text">The literal text, the route value name or the claim type; empty for a wildcard.</param>
internal readonly record struct SegmentPart(SegmentPartKind Kind, string Text);

/// <summary>A compiled pattern segment.</summary>
internal sealed class SegmentMatcher
{
    private readonly SegmentPart[] _parts;

    // How literal text compares: ordinal for keys, as stores compare them; ignoring case for paths, as routing
    // compares route literals. Placeholders always compare ordinally: route values and claims keep their case.
    private readonly StringComparison _literalComparison;

    // The literal text a composite segment must start and end with: a cheap test that rejects most segments
    // before any backtracking (a '*.tmp' rule looks at every segment of every key).
    private readonly string _requiredPrefix;
    private readonly string _requiredSuffix;

    private SegmentMatcher(SegmentKind kind, string literal, SegmentPart[] parts, StringComparison literalComparison = StringComparison.Ordinal)
    {
        Kind = kind;
        Literal = literal;
        _parts = parts;
        _literalComparison = literalComparison;
        _requiredPrefix = parts is [{ Kind: SegmentPartKind.Literal } first, ..] ? first.Text : "";
        _requiredSuffix = parts is [_, .., { Kind: SegmentPartKind.Literal } last] ? last.Text : "";
    }

    /// <summary>The <c>*</c> segment.</summary>
    public static SegmentMatcher AnySegment { get; } = new(SegmentKind.AnySegment, "", []);

    /// <summary>The <c>**</c> segment.</summary>
    public static SegmentMatcher AnySegments { get; } = new(SegmentKind.AnySegments, "", []);

    /// <summary>What the segment matches.</summary>
    public SegmentKind Kind { get; }

    /// <summary>The text of a <see cref="SegmentKind.Literal"/> segment; empty otherwise.</summary>
    public string Literal { get; }

    /// <summary>A segment that matches exactly <paramref name="text"/>, compared with <paramref name="comparison"/>.</summary>
    public static SegmentMatcher ForLiteral(string text, StringComparison comparison) => new(SegmentKind.Literal, text, [], comparison);

    /// <summary>
    /// A segment made of <paramref name="parts"/>, matched left to right with backtracking over the wildcards; literal
    /// parts compare with <paramref name="literalComparison"/>.
    /// </summary>
    public static SegmentMatcher ForParts(SegmentPart[] parts, StringComparison literalComparison) => new(SegmentKind.Composite, "", parts, literalComparison);

    /// <summary>True when <paramref name="segment"/> (never containing <c>/</c>) fits this single-segment matcher.</summary>
    public bool Matches(ReadOnlySpan<char> segment, in AccessRequest request) => Kind switch
    {
        SegmentKind.Literal => segment.Equals(Literal, _literalComparison),
        SegmentKind.AnySegment => !segment.IsEmpty,
        SegmentKind.Composite =>
            segment.Length >= _requiredPrefix.Length + _requiredSuffix.Length &&
            segment.StartsWith(_requiredPrefix, _literalComparison) &&
            segment.EndsWith(_requiredSuffix, _literalComparison) &&
            MatchParts(_parts, segment, request, _literalComparison),
        _ => false,
    };

    private static bool MatchParts(ReadOnlySpan<SegmentPart> parts, ReadOnlySpan<char> text, in AccessRequest request, StringComparison literalComparison)
    {
        while (!parts.IsEmpty)
        {
            var part = parts[0];
            switch (part.Kind)
            {
                case SegmentPartKind.Literal:
                    if (!text.StartsWith(part.Text, literalComparison))
                    {
                        return false;
                    }

                    text = text[part.Text.Length..];
                    break;

                case SegmentPartKind.RouteValue:
                    // A missing value never matches; a value holding '/' cannot match because a segment holds none.
                    if (request.GetRouteValue(part.Text) is not { } routeValue || !text.StartsWith(routeValue, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    text = text[routeValue.Length..];
                    break;

                case SegmentPartKind.Claim:
                    // A multi-valued claim matches when any value leads to a match of the rest.
                    foreach (var claimValue in request.Caller.GetValues(part.Text))
                    {
                        if (claimValue.Length > 0 && text.StartsWith(claimValue, StringComparison.Ordinal) &&
                            MatchParts(parts[1..], text[claimValue.Length..], request, literalComparison))
                        {
                            return true;
                        }
                    }

                    return false;

                default:
                    if (parts.Length == 1)
                    {
                        return true;
                    }

                    for (var start = 0; start <= text.Length; start++)
                    {
                        if (MatchParts(parts[1..], text[start..], request, literalComparison))
                        {
                            return true;
                        }
                    }

                    return false;
            }

            parts = parts[1..];
        }

        return text.IsEmpty;
    }
}
