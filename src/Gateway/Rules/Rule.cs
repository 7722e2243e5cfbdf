namespace Gateway.Rules;

/// <summary>One compiled rule of a <see cref="RuleSet"/>.</summary>
/// <param name="Id">The unique id.</param>
/// <param name="IsDeny">True for a deny rule.</param>
/// <param name="Methods">The methods the rule applies to; null for any.</param>
/// <param name="Routes">The YARP route ids the rule is limited to; null for every route.</param>
/// <param name="Keys">Patterns over the object key.</param>
/// <param name="Paths">Patterns over the request path.</param>
/// <param name="When">The condition on the caller; null for none (deny rules only).</param>
internal sealed record Rule(string Id, bool IsDeny, string[]? Methods, string[]? Routes, SegmentPattern[] Keys, SegmentPattern[] Paths, Condition? When)
{
    /// <summary>The id's position in ordinal order among all the set's ids; the lowest-ranked matching rule is reported, whatever the file order.</summary>
    public int Rank { get; init; }

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
