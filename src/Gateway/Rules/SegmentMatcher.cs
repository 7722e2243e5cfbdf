using System.Buffers;

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
    // Segments up to this length keep their two position sets on the stack; longer ones rent them.
    private const int StackPositions = 512;

    // How literal text compares: ordinal for keys, as stores compare them; ignoring case for paths, as routing
    // compares route literals. Placeholders always compare ordinally: route values and claims keep their case.
    private readonly StringComparison _literalComparison;

    // The literal text a composite segment must start and end with, checked first: a cheap test that rejects most
    // segments (a '*.tmp' rule looks at every segment of every key). The parts between are matched on what is left.
    private readonly string _requiredPrefix;
    private readonly string _requiredSuffix;
    private readonly SegmentPart[] _middle;
    private readonly bool _middleIsWildcards;
    private readonly bool _needsPositionSets;

    private SegmentMatcher(SegmentKind kind, string literal, SegmentPart[] parts, StringComparison literalComparison = StringComparison.Ordinal)
    {
        Kind = kind;
        Literal = literal;
        _literalComparison = literalComparison;
        var first = parts is [{ Kind: SegmentPartKind.Literal }, ..] ? 1 : 0;
        var end = parts is [_, .., { Kind: SegmentPartKind.Literal }] ? parts.Length - 1 : parts.Length;
        _requiredPrefix = first == 1 ? parts[0].Text : "";
        _requiredSuffix = end < parts.Length ? parts[^1].Text : "";
        _middle = parts[first..end];
        _middleIsWildcards = _middle.Length > 0 && Array.TrueForAll(_middle, part => part.Kind == SegmentPartKind.Wildcard);

        // A position set is needed only where two non-wildcard parts meet (such as '{claim:a}{claim:b}').
        for (var i = 1; i < _middle.Length; i++)
        {
            _needsPositionSets |= _middle[i - 1].Kind != SegmentPartKind.Wildcard && _middle[i].Kind != SegmentPartKind.Wildcard;
        }
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
    /// A segment made of <paramref name="parts"/> (adjacent literals merged), matched in time linear in the segment's
    /// length; literal parts compare with <paramref name="literalComparison"/>.
    /// </summary>
    public static SegmentMatcher ForParts(SegmentPart[] parts, StringComparison literalComparison) => new(SegmentKind.Composite, "", parts, literalComparison);

    /// <summary>True when <paramref name="segment"/> (never containing <c>/</c>) fits this single-segment matcher.</summary>
    public bool Matches(ReadOnlySpan<char> segment, in AccessRequest request) => Matches(segment, request, out _);

    /// <summary>
    /// <see cref="Matches(ReadOnlySpan{char}, in AccessRequest)"/>, also reporting the work done (positions looked at):
    /// the test hook that proves matching stays linear in the segment's length.
    /// </summary>
    internal bool Matches(ReadOnlySpan<char> segment, in AccessRequest request, out int work)
    {
        work = 0;
        switch (Kind)
        {
            case SegmentKind.Literal:
                return segment.Equals(Literal, _literalComparison);
            case SegmentKind.AnySegment:
                return !segment.IsEmpty;
            case SegmentKind.Composite:
                if (segment.Length < _requiredPrefix.Length + _requiredSuffix.Length ||
                    !segment.StartsWith(_requiredPrefix, _literalComparison) ||
                    !segment.EndsWith(_requiredSuffix, _literalComparison))
                {
                    return false;
                }

                var middle = segment[_requiredPrefix.Length..^_requiredSuffix.Length];
                return _middle.Length == 0 ? middle.IsEmpty : _middleIsWildcards || MatchMiddle(middle, request, ref work);
            default:
                return false;
        }
    }

    /// <summary>
    /// Matches the parts between the required prefix and suffix without backtracking. It carries the positions in
    /// <paramref name="text"/> that the parts so far can end at, one part at a time: a wildcard turns them into
    /// everything from the lowest on; a literal, route value or claim value moves each of them past an occurrence of
    /// itself. Before a wildcard only the earliest end counts, and the last part must end the text, so most patterns
    /// need no position set at all. The work is at most (parts + claim values) × (length + 1) positions, however many
    /// wildcards there are, where trying every split between them grows with a power of the length.
    /// </summary>
    private bool MatchMiddle(ReadOnlySpan<char> text, in AccessRequest request, ref int work)
    {
        var parts = _middle;
        var positions = text.Length + 1;
        bool[]? rented = null;
        var buffers = !_needsPositionSets ? default
            : positions <= StackPositions ? stackalloc bool[2 * positions]
            : (rented = ArrayPool<bool>.Shared.Rent(2 * positions)).AsSpan(0, 2 * positions);
        try
        {
            var current = buffers.IsEmpty ? default : buffers[..positions];
            var next = buffers.IsEmpty ? default : buffers[positions..];
            var reach = new Reach(0, ReachKind.Single);
            for (var i = 0; i < parts.Length; i++)
            {
                work++;
                var part = parts[i];
                if (part.Kind == SegmentPartKind.Wildcard)
                {
                    reach = new Reach(reach.Lowest, ReachKind.FromLowestOn);
                    continue;
                }

                var step = i + 1 == parts.Length ? Step.End : parts[i + 1].Kind == SegmentPartKind.Wildcard ? Step.Earliest : Step.Every;
                if (step == Step.Every)
                {
                    next.Clear();
                }

                var found = int.MaxValue; // the lowest end found
                switch (part.Kind)
                {
                    case SegmentPartKind.Literal:
                        Advance(text, current, reach, part.Text, _literalComparison, step, next, ref found, ref work);
                        break;

                    case SegmentPartKind.RouteValue:
                        // A missing value never matches; a value holding '/' cannot match because a segment holds none.
                        if (request.GetRouteValue(part.Text) is { } routeValue)
                        {
                            Advance(text, current, reach, routeValue, StringComparison.Ordinal, step, next, ref found, ref work);
                        }

                        break;

                    default:
                        // A multi-valued claim: any value may come next.
                        foreach (var claimValue in request.Caller.GetValues(part.Text))
                        {
                            if (claimValue.Length > 0)
                            {
                                Advance(text, current, reach, claimValue, StringComparison.Ordinal, step, next, ref found, ref work);
                            }
                        }

                        break;
                }

                if (step == Step.End || found == int.MaxValue)
                {
                    return found != int.MaxValue;
                }

                if (step == Step.Every)
                {
                    var reached = next;
                    next = current;
                    current = reached;
                }

                // Before a wildcard only the earliest end matters: the wildcard then reaches everything after it.
                reach = new Reach(found, step == Step.Every ? ReachKind.Set : ReachKind.Single);
            }

            return reach.Kind == ReachKind.FromLowestOn;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<bool>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Moves the reachable positions past each occurrence of <paramref name="value"/> that starts at one of them:
    /// <see cref="Step.Every"/> marks every end in <paramref name="next"/>, <see cref="Step.Earliest"/> keeps only the
    /// earliest, and <see cref="Step.End"/> only asks whether one ends the text. <paramref name="found"/> keeps the lowest end.
    /// </summary>
    private static void Advance(
        ReadOnlySpan<char> text, ReadOnlySpan<bool> current, Reach reach, ReadOnlySpan<char> value,
        StringComparison comparison, Step step, Span<bool> next, ref int found, ref int work)
    {
        var last = text.Length - value.Length;
        if (step == Step.End)
        {
            work++;
            if (last >= 0 && reach.Contains(last, current) && text[last..].Equals(value, comparison))
            {
                found = text.Length;
            }

            return;
        }

        if (reach.Kind == ReachKind.FromLowestOn)
        {
            // Every position from the lowest on: find the occurrences with a vectorised search.
            for (var from = reach.Lowest; from <= last;)
            {
                var at = text[from..].IndexOf(value, comparison);
                if (at < 0 || from + at > last)
                {
                    work += last - from + 1;
                    return;
                }

                work += at + 1;
                var end = from + at + value.Length;
                found = Math.Min(found, end);
                if (step == Step.Earliest)
                {
                    return;
                }

                next[end] = true;
                from += at + 1;
            }

            return;
        }

        var to = reach.Kind == ReachKind.Single ? Math.Min(reach.Lowest, last) : last;
        for (var position = reach.Lowest; position <= to; position++)
        {
            work++;
            if (reach.Contains(position, current) && text[position..].StartsWith(value, comparison))
            {
                found = Math.Min(found, position + value.Length);
                if (step == Step.Earliest)
                {
                    return;
                }

                next[position + value.Length] = true;
            }
        }
    }

    /// <summary>What a part's matching must find out.</summary>
    private enum Step : byte
    {
        /// <summary>Every position the part can end at: another non-wildcard part follows.</summary>
        Every,

        /// <summary>Only the earliest: a wildcard follows.</summary>
        Earliest,

        /// <summary>Only whether the part can end the text: it is the last.</summary>
        End,
    }

    private enum ReachKind : byte
    {
        /// <summary>Only <see cref="Reach.Lowest"/>.</summary>
        Single,

        /// <summary>Every position from <see cref="Reach.Lowest"/> on (after a wildcard).</summary>
        FromLowestOn,

        /// <summary>The positions marked in the current position set, none below <see cref="Reach.Lowest"/>.</summary>
        Set,
    }

    /// <summary>The positions the parts so far can end at.</summary>
    private readonly record struct Reach(int Lowest, ReachKind Kind)
    {
        public bool Contains(int position, ReadOnlySpan<bool> set) => Kind switch
        {
            ReachKind.Single => position == Lowest,
            ReachKind.FromLowestOn => position >= Lowest,
            _ => position >= Lowest && set[position],
        };
    }
}
