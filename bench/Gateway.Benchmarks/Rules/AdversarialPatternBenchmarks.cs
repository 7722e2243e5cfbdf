extern alias gateway;

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using gateway::Gateway.Rules;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Benchmarks.Rules;

/// <summary>
/// A caller-chosen key against deny patterns with many wildcards in one segment. A backtracking matcher tries every
/// way to split the segment between the wildcards (672 ms for <c>**/*a*a*b*.tmp</c> against 1,000 <c>a</c>s); a
/// linear one costs a few times the ordinary <c>**/*.tmp</c>, the baseline.
/// </summary>
[MemoryDiagnoser]
public class AdversarialPatternBenchmarks
{
    /// <summary>The most one adversarial decision may take; checked once in setup, so a regression stops the run.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(5);

    private RuleSet _ordinary = null!;
    private RuleSet _threeWildcards = null!;
    private RuleSet _sixWildcards = null!;
    private AccessRequest _request;

    /// <summary>The number of <c>a</c>s in the key's last segment, before <c>.tmp</c>.</summary>
    [Params(1000, 10000)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ordinary = Deny("**/*.tmp");
        _threeWildcards = Deny("**/*a*a*b*.tmp");
        _sixWildcards = Deny("**/*a*a*a*a*a*b*.tmp");
        var caller = Caller.FromClaims([new("sub", "mallory")]);
        var key = $"uploads/{new string('a', Length)}.tmp";
        _request = new AccessRequest("GET", key, "/files/" + key, "tenant-files", new RouteValueDictionary(), caller);

        foreach (var (rules, denied) in new[] { (_ordinary, true), (_threeWildcards, false), (_sixWildcards, false) })
        {
            _ = rules.Evaluate(_request); // compiled before it is timed
            var clock = Stopwatch.StartNew();
            var decision = rules.Evaluate(_request);
            if (decision.Allowed == denied || decision.Error is not null)
            {
                throw new InvalidOperationException("The benchmark request does not get the decision it is meant to measure.");
            }

            if (clock.Elapsed > Bound)
            {
                throw new InvalidOperationException($"One decision took {clock.Elapsed.TotalMilliseconds:F1} ms, over the {Bound.TotalMilliseconds} ms bound: matching is no longer linear.");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public string OrdinaryPattern() => _ordinary.Evaluate(_request).RuleId;

    [Benchmark]
    public string ThreeWildcards() => _threeWildcards.Evaluate(_request).RuleId;

    [Benchmark]
    public string SixWildcards() => _sixWildcards.Evaluate(_request).RuleId;

    private static RuleSet Deny(string pattern) => RuleSetParser.Parse($$"""
        { "rules": [
            { "id": "everyone", "effect": "allow", "keys": ["**"], "when": { "authenticated": true } },
            { "id": "no-temp", "effect": "deny", "keys": ["{{pattern}}"] } ] }
        """);
}
