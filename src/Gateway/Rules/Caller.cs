using System.Security.Claims;

namespace Gateway.Rules;

/// <summary>
/// A snapshot of who is asking: whether they signed in, and their claims sorted by type for a fast ordinal lookup.
/// Built once per request; every claim object counts, so a multi-valued claim (several claims of one type, or a JSON
/// array that the JWT handler split) offers all its values.
/// </summary>
internal sealed class Caller
{
    // Parallel arrays sorted by claim type (ordinal): the values of one type sit next to each other, so a lookup is a
    // binary search and its answer a slice, with nothing allocated.
    private readonly string[] _types;
    private readonly string[] _values;

    private Caller(string[] types, string[] values, bool isAuthenticated)
    {
        Array.Sort(types, values, StringComparer.Ordinal);
        _types = types;
        _values = values;
        IsAuthenticated = isAuthenticated;
    }

    /// <summary>A caller who has not signed in and has no claims.</summary>
    public static Caller Anonymous { get; } = new([], [], isAuthenticated: false);

    /// <summary>True when the caller signed in.</summary>
    public bool IsAuthenticated { get; }

    /// <summary>The number of claims, counting each value of a multi-valued claim.</summary>
    public int ClaimCount => _types.Length;

    /// <summary>The value of the <c>sub</c> claim, or null (anonymous, or no subject).</summary>
    public string? Subject => GetValues("sub") is [var subject, ..] ? subject : null;

    /// <summary>
    /// The request's caller, taken from <see cref="HttpContext.User"/> once: rate limiting, the rules and the audit all
    /// read the same snapshot. Taken again if the user is replaced.
    /// </summary>
    public static Caller Of(HttpContext context)
    {
        var user = context.User;
        if (context.Features.Get<Snapshot>() is { } snapshot && ReferenceEquals(snapshot.Principal, user))
        {
            return snapshot.Caller;
        }

        var caller = FromPrincipal(user);
        context.Features.Set(new Snapshot(user, caller));
        return caller;
    }

    /// <summary>
    /// Takes the claims of the principal's authenticated identities. Claims of an identity that did not authenticate
    /// are left out: no handler vouched for them.
    /// </summary>
    public static Caller FromPrincipal(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);

        // Counted first, so the claims are copied once into arrays of the right size. Identities and claims are lists:
        // indexed, nothing is allocated to walk them.
        var identities = AsList(principal.Identities);
        var count = 0;
        var authenticated = false;
        for (var i = 0; i < identities.Count; i++)
        {
            if (identities[i].IsAuthenticated)
            {
                authenticated = true;
                count += AsList(identities[i].Claims).Count;
            }
        }

        if (!authenticated)
        {
            return Anonymous;
        }

        var types = new string[count];
        var values = new string[count];
        var next = 0;
        for (var i = 0; i < identities.Count; i++)
        {
            if (!identities[i].IsAuthenticated)
            {
                continue;
            }

            var claims = AsList(identities[i].Claims);
            for (var j = 0; j < claims.Count; j++)
            {
                types[next] = claims[j].Type;
                values[next] = claims[j].Value;
                next++;
            }
        }

        return new Caller(types, values, isAuthenticated: true);
    }

    /// <summary>Builds a caller from claim type and value pairs (tests, the CLI, the explain endpoint).</summary>
    public static Caller FromClaims(IEnumerable<KeyValuePair<string, string>> claims, bool authenticated = true)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var types = new List<string>();
        var values = new List<string>();
        foreach (var (type, value) in claims)
        {
            ArgumentNullException.ThrowIfNull(type, nameof(claims));
            ArgumentNullException.ThrowIfNull(value, nameof(claims));
            types.Add(type);
            values.Add(value);
        }

        return new Caller([.. types], [.. values], authenticated);
    }

    /// <summary>Every value of the claim type <paramref name="claimType"/> (ordinal); empty when the caller has none.</summary>
    public ReadOnlySpan<string> GetValues(string claimType)
    {
        var types = _types;
        var low = 0;
        var high = types.Length;
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (string.CompareOrdinal(types[middle], claimType) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        var end = low;
        while (end < types.Length && string.Equals(types[end], claimType, StringComparison.Ordinal))
        {
            end++;
        }

        return new ReadOnlySpan<string>(_values, low, end - low);
    }

    /// <summary>
    /// The values of every claim whose type equals <paramref name="claimType"/> ignoring letter case, in claim order:
    /// null when none, the value when one, an array when several (the audit's form of a claim).
    /// </summary>
    public object? GetValuesIgnoringCase(string claimType)
    {
        string? first = null;
        List<string>? more = null;
        for (var i = 0; i < _types.Length; i++)
        {
            if (string.Equals(_types[i], claimType, StringComparison.OrdinalIgnoreCase))
            {
                if (first is null)
                {
                    first = _values[i];
                }
                else
                {
                    (more ??= [first]).Add(_values[i]);
                }
            }
        }

        return more is not null ? more.ToArray() : first;
    }

    private static IList<T> AsList<T>(IEnumerable<T> items) => items as IList<T> ?? [.. items];

    /// <summary>The caller of a request and the principal it was taken from.</summary>
    private sealed record Snapshot(ClaimsPrincipal Principal, Caller Caller);
}
