using System.Text.RegularExpressions;

namespace Gateway.Rules;

/// <summary>
/// A compiled <c>when</c> condition on the caller. Claim conditions hold when any value of a multi-valued claim
/// satisfies them, and never when the claim is missing. Every comparison is ordinal.
/// </summary>
internal abstract class Condition
{
    /// <summary>True when the request's caller (and route values, for placeholders) satisfy the condition.</summary>
    public abstract bool IsSatisfied(in AccessRequest request);
}

/// <summary><c>{"all": [...]}</c>: every condition holds.</summary>
internal sealed class AllCondition(Condition[] conditions) : Condition
{
    public override bool IsSatisfied(in AccessRequest request)
    {
        foreach (var condition in conditions)
        {
            if (!condition.IsSatisfied(request))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary><c>{"any": [...]}</c>: at least one condition holds.</summary>
internal sealed class AnyCondition(Condition[] conditions) : Condition
{
    public override bool IsSatisfied(in AccessRequest request)
    {
        foreach (var condition in conditions)
        {
            if (condition.IsSatisfied(request))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>{"authenticated": true}</c> or <c>{"anonymous": true}</c>: the caller did, or did not, sign in.</summary>
internal sealed class SignedInCondition : Condition
{
    private readonly bool _authenticated;

    private SignedInCondition(bool authenticated) => _authenticated = authenticated;

    /// <summary>The caller signed in.</summary>
    public static SignedInCondition Authenticated { get; } = new(authenticated: true);

    /// <summary>The caller did not sign in.</summary>
    public static SignedInCondition Anonymous { get; } = new(authenticated: false);

    public override bool IsSatisfied(in AccessRequest request) => request.Caller.IsAuthenticated == _authenticated;
}

/// <summary>
/// <c>equals</c>, <c>in</c>, <c>group</c> and <c>role</c>: some value of one of the claim types equals one of the
/// accepted values (which may hold route-value placeholders).
/// </summary>
internal sealed class ClaimEqualsCondition(string[] claimTypes, ValueTemplate[] accepted) : Condition
{
    public override bool IsSatisfied(in AccessRequest request)
    {
        foreach (var claimType in claimTypes)
        {
            foreach (var value in request.Caller.GetValues(claimType))
            {
                foreach (var template in accepted)
                {
                    if (template.Matches(value, request))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}

/// <summary><c>{"claim": T, "glob": "a*b?"}</c>: <c>*</c> is any run of characters, <c>?</c> exactly one (a UTF-16 unit).</summary>
internal sealed class ClaimGlobCondition(string claimType, string glob) : Condition
{
    public override bool IsSatisfied(in AccessRequest request)
    {
        foreach (var value in request.Caller.GetValues(claimType))
        {
            if (GlobMatches(glob, value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Greedy glob matching with one backtrack point, linear in practice and never exponential.</summary>
    internal static bool GlobMatches(ReadOnlySpan<char> glob, ReadOnlySpan<char> value)
    {
        var g = 0;
        var v = 0;
        var retryGlob = -1;
        var retryValue = -1;
        while (v < value.Length)
        {
            if (g < glob.Length && glob[g] == '*')
            {
                retryGlob = ++g;
                retryValue = v;
                continue;
            }

            if (g < glob.Length && (glob[g] == '?' || glob[g] == value[v]))
            {
                g++;
                v++;
                continue;
            }

            if (retryGlob < 0)
            {
                return false;
            }

            g = retryGlob;
            v = ++retryValue;
        }

        while (g < glob.Length && glob[g] == '*')
        {
            g++;
        }

        return g == glob.Length;
    }
}

/// <summary><c>{"claim": T, "regex": "^...$"}</c>, compiled as <c>^(?:...)\z</c> so it always spans the whole value.</summary>
internal sealed class ClaimRegexCondition(string claimType, Regex regex) : Condition
{
    public override bool IsSatisfied(in AccessRequest request)
    {
        foreach (var value in request.Caller.GetValues(claimType))
        {
            if (regex.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }
}
