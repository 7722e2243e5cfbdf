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

    /// <summary>
    /// Takes the claims of the principal's authenticated identities. Claims of an identity that did not authenticate
    /// are left out: no handler vouched for them.
    /// </summary>
    public static Caller FromPrincipal(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);

        // Counted first, so the claims are copied once into arrays of the right size (an identity's claims are a list).
        var count = 0;
        var authenticated = false;
        foreach (var identity in principal.Identities)
        {
            if (identity.IsAuthenticated)
            {
                authenticated = true;
                count += identity.Claims.TryGetNonEnumeratedCount(out var claims) ? claims : identity.Claims.Count();
            }
        }

        if (!authenticated)
        {
            return Anonymous;
        }

        var types = new string[count];
        var values = new string[count];
        var next = 0;
        foreach (var identity in principal.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            foreach (var claim in identity.Claims)
            {
                types[next] = claim.Type;
                values[next] = claim.Value;
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
}
