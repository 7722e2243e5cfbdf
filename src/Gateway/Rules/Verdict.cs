namespace Gateway.Rules;

/// <summary>
/// The running result of one evaluation: the best deny and the best allow so far, by rank. A candidate that could
/// not change the outcome is skipped before any matching, so an early deny makes the rest of the walk cheap.
/// </summary>
internal struct Verdict
{
    /// <summary>The lowest-ranked matching deny rule so far.</summary>
    public Rule? Deny { get; private set; }

    /// <summary>The lowest-ranked matching allow rule so far.</summary>
    public Rule? Allow { get; private set; }

    /// <summary>The rule being matched, named in the error when matching throws.</summary>
    public Rule? Current { get; private set; }

    /// <summary>How many (rule, pattern) candidates the index handed over; a test hook proving the index narrows the search.</summary>
    public int Candidates { get; private set; }

    /// <summary>Matches one candidate the index found under the literal prefix of <paramref name="pattern"/>.</summary>
    public void Consider(Rule rule, SegmentPattern pattern, scoped in SegmentedText text, int from, in AccessRequest request)
    {
        Candidates++;
        if (Deny is { } deny ? rule.Rank >= deny.Rank || !rule.IsDeny : !rule.IsDeny && Allow is { } allow && rule.Rank >= allow.Rank)
        {
            return;
        }

        if (!rule.AppliesTo(request.Method))
        {
            return;
        }

        Current = rule;
        if (!pattern.Matches(text, from, request) || (rule.When is { } when && !when.IsSatisfied(request)))
        {
            return;
        }

        if (rule.IsDeny)
        {
            Deny = rule;
        }
        else
        {
            Allow = rule;
        }
    }
}
