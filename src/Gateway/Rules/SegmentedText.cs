namespace Gateway.Rules;

/// <summary>An object key or request path and the ranges of its <c>/</c>-separated segments, split once per request.</summary>
internal readonly ref struct SegmentedText
{
    private readonly ReadOnlySpan<char> _text;
    private readonly ReadOnlySpan<Range> _segments;

    /// <summary>Wraps <paramref name="text"/> and the ranges of its segments.</summary>
    public SegmentedText(ReadOnlySpan<char> text, ReadOnlySpan<Range> segments)
    {
        _text = text;
        _segments = segments;
    }

    /// <summary>The number of segments; an empty text has one, empty, segment.</summary>
    public int Count => _segments.Length;

    /// <summary>The segment at <paramref name="index"/>, never containing <c>/</c>.</summary>
    public ReadOnlySpan<char> this[int index] => _text[_segments[index]];
}
