namespace Gateway.Rules;

/// <summary>The key-pattern and path-pattern tries of one group of rules: those for every route, or those of one route.</summary>
internal sealed class RuleIndex
{
    private readonly PatternTrie? _keys;
    private readonly PatternTrie? _paths;

    /// <summary>Indexes every key and path pattern of <paramref name="rules"/>.</summary>
    public RuleIndex(IReadOnlyCollection<Rule> rules)
    {
        var keys = new List<(Rule, SegmentPattern, int)>();
        var paths = new List<(Rule, SegmentPattern, int)>();
        foreach (var rule in rules)
        {
            for (var i = 0; i < rule.Keys.Length; i++)
            {
                keys.Add((rule, rule.Keys[i], i));
            }

            for (var i = 0; i < rule.Paths.Length; i++)
            {
                paths.Add((rule, rule.Paths[i], i));
            }
        }

        // Keys compare ordinally, as stores do; paths ignore letter case in their literals, as routing does.
        _keys = keys.Count > 0 ? PatternTrie.Build(keys, StringComparer.Ordinal) : null;
        _paths = paths.Count > 0 ? PatternTrie.Build(paths, StringComparer.OrdinalIgnoreCase) : null;
    }

    /// <summary>True when some rule here has a path pattern, so the request path must be split.</summary>
    public bool HasPathPatterns => _paths is not null;

    /// <summary>True when some rule here has a key pattern, so the object key must be split.</summary>
    public bool HasKeyPatterns => _keys is not null;

    /// <summary>Offers <paramref name="verdict"/> the candidates for the key and, when <paramref name="hasPath"/>, the path.</summary>
    public void Collect(scoped in SegmentedText key, scoped in SegmentedText path, bool hasPath, in AccessRequest request, ref Verdict verdict)
    {
        _keys?.Collect(key, request, ref verdict);
        if (hasPath)
        {
            _paths?.Collect(path, request, ref verdict);
        }
    }
}
