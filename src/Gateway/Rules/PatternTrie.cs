using System.Collections.Frozen;

namespace Gateway.Rules;

/// <summary>
/// An index of patterns by their leading literal segments. A pattern is filed at the node its literal prefix leads
/// to (a pattern starting with a wildcard or placeholder sits at the root), so a lookup walks the request's segments
/// once and hands over only the patterns whose literal prefix the request has.
/// </summary>
internal sealed class PatternTrie
{
    private readonly Node _root;

    private PatternTrie(Node root) => _root = root;

    /// <summary>
    /// Builds the trie; within a node, candidates are ordered by rule rank so evaluation is independent of file order.
    /// <paramref name="comparer"/> compares literal segments as the patterns do (ordinal for keys, ignoring case for paths).
    /// </summary>
    public static PatternTrie Build(IEnumerable<(Rule Rule, SegmentPattern Pattern, int PatternIndex)> patterns, StringComparer comparer)
    {
        var root = new NodeBuilder(comparer);
        foreach (var (rule, pattern, patternIndex) in patterns)
        {
            var node = root;
            for (var depth = 0; depth < pattern.LiteralPrefixLength; depth++)
            {
                node.Children ??= new Dictionary<string, NodeBuilder>(comparer);
                var literal = pattern.LiteralAt(depth);
                if (!node.Children.TryGetValue(literal, out var child))
                {
                    child = new NodeBuilder(comparer);
                    node.Children.Add(literal, child);
                }

                node = child;
            }

            node.Entries.Add(new Entry(rule, pattern, patternIndex));
        }

        return new PatternTrie(root.Freeze());
    }

    /// <summary>Offers <paramref name="verdict"/> every pattern whose literal prefix matches the start of <paramref name="text"/>.</summary>
    public void Collect(scoped in SegmentedText text, in AccessRequest request, ref Verdict verdict)
    {
        var node = _root;
        for (var depth = 0; ; depth++)
        {
            foreach (var entry in node.Entries)
            {
                verdict.Consider(entry.Rule, entry.Pattern, text, depth, request);
            }

            if (depth == text.Count || !node.TryGetChild(text[depth], out node))
            {
                return;
            }
        }
    }

    /// <summary>One pattern of one rule; the pattern index keeps the order total when a rule files two patterns at one node.</summary>
    private readonly record struct Entry(Rule Rule, SegmentPattern Pattern, int PatternIndex);

    private sealed class NodeBuilder(StringComparer comparer)
    {
        public List<Entry> Entries { get; } = [];

        public Dictionary<string, NodeBuilder>? Children { get; set; }

        public Node Freeze()
        {
            Entries.Sort(static (a, b) => a.Rule.Rank != b.Rule.Rank ? a.Rule.Rank.CompareTo(b.Rule.Rank) : a.PatternIndex.CompareTo(b.PatternIndex));
            var children = Children?.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.Freeze(), comparer);
            return new Node([.. Entries], children);
        }
    }

    private sealed class Node
    {
        private readonly FrozenDictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> _children;
        private readonly bool _hasChildren;

        public Node(Entry[] entries, FrozenDictionary<string, Node>? children)
        {
            Entries = entries;
            _hasChildren = children is not null;
            if (children is not null)
            {
                // Looked up by span: the request's segments are never turned into strings.
                _children = children.GetAlternateLookup<ReadOnlySpan<char>>();
            }
        }

        public Entry[] Entries { get; }

        public bool TryGetChild(ReadOnlySpan<char> segment, out Node child)
        {
            if (_hasChildren)
            {
                return _children.TryGetValue(segment, out child!);
            }

            child = null!;
            return false;
        }
    }
}
