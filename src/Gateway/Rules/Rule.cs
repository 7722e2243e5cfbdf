namespace Gateway.Rules;

/// <summary>One compiled rule of a <see cref="RuleSet"/>.</summary>
internal sealed class Rule
{
    /// <summary>Creates a compiled rule.</summary>
    /// <param name="id">The unique id.</param>
    /// <param name="rank">The id's position in ordinal order among all the set's ids, which decides between matching rules.</param>
    /// <param name="isDeny">True for a deny rule.</param>
    /// <param name="methods">The methods the rule applies to; null for any.</param>
    /// <param name="routes">The YARP route ids the rule is limited to; null for every route.</param>
    /// <param name="keys">Patterns over the object key.</param>
    /// <param name="paths">Patterns over the request path.</param>
    /// <param name="when">The condition on the caller; null for none.</param>
    public Rule(
        string id, int rank, bool isDeny, string[]? methods, string[]? routes, SegmentPattern[] keys, SegmentPattern[] paths, Condition? when)
    {
        Id = id;
        Rank = rank;
        IsDeny = isDeny;
        Methods = methods;
        Routes = routes;
        Keys = keys;
        Paths = paths;
        When = when;
    }

    /// <summary>The unique id.</summary>
    public string Id { get; }

    /// <summary>The id's position in ordinal order; the lowest-ranked matching rule is reported, whatever the file order.</summary>
    public int Rank { get; }

    /// <summary>True for a deny rule.</summary>
    public bool IsDeny { get; }

    /// <summary>The methods the rule applies to; null for any.</summary>
    public string[]? Methods { get; }

    /// <summary>The YARP route ids the rule is limited to; null for every route.</summary>
    public string[]? Routes { get; }

    /// <summary>Patterns over the object key.</summary>
    public SegmentPattern[] Keys { get; }

    /// <summary>Patterns over the request path.</summary>
    public SegmentPattern[] Paths { get; }

    /// <summary>The condition on the caller; null for none (deny rules only).</summary>
    public Condition? When { get; }

    /// <summary>True when the rule applies to <paramref name="method"/> (ordinal: HTTP methods are case-sensitive).</summary>
    public bool AppliesTo(string method)
    {
        if (Methods is not { } methods)
        {
            return true;
        }

        foreach (var allowed in methods)
        {
            if (string.Equals(allowed, method, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
