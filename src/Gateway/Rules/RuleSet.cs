using System.Buffers;
using System.Collections.Frozen;

namespace Gateway.Rules;

/// <summary>
/// A validated, compiled and indexed set of authorization rules. Immutable, so one instance serves every request
/// and a reload swaps in a whole new one. Deny overrides allow; when nothing matches the answer is deny.
/// </summary>
internal sealed class RuleSet
{
    // Keys are at most 1024 bytes, so a deep one is rare: segments beyond this come from the shared pool.
    private const int StackSegments = 64;

    private readonly RuleIndex? _everyRoute;
    private readonly FrozenDictionary<string, RuleIndex> _byRoute;
    private readonly bool _hasKeyPatterns;
    private readonly bool _hasPathPatterns;

    /// <summary>Indexes <paramref name="rules"/>, whose ranks must follow the ordinal order of their ids.</summary>
    internal RuleSet(string version, IReadOnlyList<Rule> rules)
    {
        Version = version;
        Rules = rules;

        var everyRoute = new List<Rule>();
        var byRoute = new Dictionary<string, List<Rule>>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (rule.Routes is null)
            {
                everyRoute.Add(rule);
                continue;
            }

            foreach (var route in rule.Routes)
            {
                if (!byRoute.TryGetValue(route, out var list))
                {
                    byRoute[route] = list = [];
                }

                // A route listed twice in one rule files the rule once.
                if (list.Count == 0 || !ReferenceEquals(list[^1], rule))
                {
                    list.Add(rule);
                }
            }
        }

        _everyRoute = everyRoute.Count > 0 ? new RuleIndex(everyRoute) : null;
        _byRoute = byRoute.ToFrozenDictionary(pair => pair.Key, pair => new RuleIndex(pair.Value), StringComparer.Ordinal);
        _hasKeyPatterns = _everyRoute?.HasKeyPatterns == true;
        _hasPathPatterns = _everyRoute?.HasPathPatterns == true;
        foreach (var index in _byRoute.Values)
        {
            _hasKeyPatterns |= index.HasKeyPatterns;
            _hasPathPatterns |= index.HasPathPatterns;
        }
    }

    /// <summary>No rules: every request is denied by default.</summary>
    public static RuleSet Empty { get; } = new("empty", []);

    /// <summary>The first 12 lowercase hex characters of the SHA-256 of the rules file's UTF-8 text; "empty" for <see cref="Empty"/>.</summary>
    public string Version { get; }

    /// <summary>The number of rules.</summary>
    public int Count => Rules.Count;

    /// <summary>The compiled rules, in file order.</summary>
    internal IReadOnlyList<Rule> Rules { get; }

    /// <summary>Decides whether the caller may do the method on the key and path, and by which rule. Never throws.</summary>
    public AccessDecision Evaluate(in AccessRequest request) => Evaluate(request, out _);

    /// <summary>
    /// <see cref="Evaluate(in AccessRequest)"/>, also reporting how many (rule, pattern) candidates the index handed
    /// over: the test hook that proves a large set is not scanned.
    /// </summary>
    internal AccessDecision Evaluate(in AccessRequest request, out int candidates)
    {
        candidates = 0;
        if (!request.IsComplete)
        {
            return new AccessDecision(false, AccessDecisions.EvaluationError, Version, "The access request is incomplete.");
        }

        var verdict = new Verdict();
        try
        {
            Search(request, ref verdict);
        }
        catch (Exception ex)
        {
            // Fail closed. The message names the rule and the exception type only: an exception's own message may
            // quote a claim or a key.
            candidates = verdict.Candidates;
            var error = verdict.Current is { } rule
                ? $"Rule '{rule.Id}' could not be evaluated ({ex.GetType().Name})."
                : $"The rules could not be evaluated ({ex.GetType().Name}).";
            return new AccessDecision(false, AccessDecisions.EvaluationError, Version, error);
        }

        candidates = verdict.Candidates;
        if (verdict.Deny is { } deny)
        {
            return new AccessDecision(false, deny.Id, Version, null);
        }

        return verdict.Allow is { } allow
            ? new AccessDecision(true, allow.Id, Version, null)
            : new AccessDecision(false, AccessDecisions.DefaultDeny, Version, null);
    }

    private void Search(in AccessRequest request, ref Verdict verdict)
    {
        RuleIndex? routeIndex = null;
        if (request.RouteId is { } routeId)
        {
            _byRoute.TryGetValue(routeId, out routeIndex);
        }

        if (_everyRoute is null && routeIndex is null)
        {
            return;
        }

        // Path patterns start with '/', which the pattern drops; a path without one matches no path pattern.
        var key = request.ObjectKey.AsSpan();
        var path = request.Path.AsSpan();
        var hasPath = _hasPathPatterns && path.StartsWith('/');
        path = hasPath ? path[1..] : default;

        var keyCount = _hasKeyPatterns ? key.Count('/') + 1 : 0;
        var pathCount = hasPath ? path.Count('/') + 1 : 0;
        Range[]? rentedKey = null;
        Range[]? rentedPath = null;
        // Sized to the request rather than to the limit: stack memory is zeroed, and a fixed 64 would zero 1 KiB per call.
        var keyRanges = keyCount <= StackSegments ? stackalloc Range[keyCount] : (rentedKey = ArrayPool<Range>.Shared.Rent(keyCount));
        var pathRanges = pathCount <= StackSegments ? stackalloc Range[pathCount] : (rentedPath = ArrayPool<Range>.Shared.Rent(pathCount));
        try
        {
            keyCount = keyCount == 0 ? 0 : key.Split(keyRanges, '/');
            pathCount = pathCount == 0 ? 0 : path.Split(pathRanges, '/');
            var keyText = new SegmentedText(key, keyRanges[..keyCount]);
            var pathText = new SegmentedText(path, pathRanges[..pathCount]);
            _everyRoute?.Collect(keyText, pathText, hasPath, request, ref verdict);
            routeIndex?.Collect(keyText, pathText, hasPath, request, ref verdict);
        }
        finally
        {
            if (rentedKey is not null)
            {
                ArrayPool<Range>.Shared.Return(rentedKey);
            }

            if (rentedPath is not null)
            {
                ArrayPool<Range>.Shared.Return(rentedPath);
            }
        }
    }
}
