extern alias gateway;

using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using gateway::Gateway.Rules;
using Gateway.TestSupport;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Benchmarks.Rules;

/// <summary>
/// One authorization decision per operation, against realistic rule sets of growing size: a rule per tenant with
/// a claim condition, per-tenant secret denies, team folders, path rules for finance, and a few rules that start
/// with a wildcard or placeholder (which every request must consider).
/// </summary>
[MemoryDiagnoser]
public class RuleEvaluationBenchmarks
{
    private RuleSet _rules = null!;
    private AccessRequest _allowed;
    private AccessRequest _deniedByRule;
    private AccessRequest _deniedByDefault;

    [Params(10, 1000, 10000)]
    public int RuleCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rules = RuleSetParser.Parse(RuleFiles.Realistic(RuleCount));
        var tenant = $"t{RuleFiles.MiddleTenant(RuleCount)}";
        var member = Caller.FromClaims([new("sub", "alice"), new("tenant", tenant), new("scope", "storage:read"), new("groups", "staff")]);
        var values = new RouteValueDictionary { ["tenant"] = tenant, ["path"] = "reports/q3.pdf" };
        _allowed = new AccessRequest("GET", $"tenants/{tenant}/reports/q3.pdf", $"/files/{tenant}/reports/q3.pdf", "tenant-files", values, member);
        _deniedByRule = new AccessRequest("GET", $"tenants/{tenant}/drafts/q3.pdf", $"/files/{tenant}/drafts/q3.pdf", "tenant-files", values, member);
        _deniedByDefault = new AccessRequest("GET", "tenants/t-unknown/reports/q3.pdf", "/files/t-unknown/reports/q3.pdf", "tenant-files", values, member);
        if (!_rules.Evaluate(_allowed).Allowed || _rules.Evaluate(_deniedByRule).RuleId != "no-drafts" ||
            _rules.Evaluate(_deniedByDefault).RuleId != AccessDecisions.DefaultDeny)
        {
            throw new InvalidOperationException("The benchmark requests do not get the decisions they are meant to measure.");
        }
    }

    // The deciding rule's id is returned because the decision type is internal to the gateway.
    [Benchmark]
    public string Allowed() => _rules.Evaluate(_allowed).RuleId;

    [Benchmark]
    public string DeniedByRule() => _rules.Evaluate(_deniedByRule).RuleId;

    [Benchmark]
    public string DeniedByDefault() => _rules.Evaluate(_deniedByDefault).RuleId;
}

/// <summary>What a reload costs: parsing, validating, compiling and indexing a whole rules file.</summary>
[MemoryDiagnoser]
public class RuleSetParseBenchmarks
{
    private string _file = "";

    [Params(10, 1000, 10000)]
    public int RuleCount { get; set; }

    [GlobalSetup]
    public void Setup() => _file = RuleFiles.Realistic(RuleCount);

    [Benchmark]
    public object Parse() => RuleSetParser.Parse(_file);
}

/// <summary>The per-request snapshot of a JWT caller's claims that evaluation reads.</summary>
[MemoryDiagnoser]
public class RuleCallerBenchmarks
{
    private readonly ClaimsPrincipal _principal = new(new ClaimsIdentity(
        [
            new Claim("iss", "https://issuer.example"), new Claim("aud", "gateway"), new Claim("sub", "alice"),
            new Claim("tenant", "acme"), new Claim("scope", "storage:read"), new Claim("groups", "staff"),
            new Claim("groups", "finance"), new Claim("roles", "auditor"), new Claim("exp", "1767225600"),
            new Claim("iat", "1767222000"),
        ],
        "Bearer"));

    [Benchmark]
    public object FromPrincipal() => Caller.FromPrincipal(_principal);
}
