using System.Diagnostics;
using System.Net;
using Gateway.Audit;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Authorization;

/// <summary>Editing the rules file takes effect without a restart; no request ever sees a half-loaded set.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RulesHotReloadTests(GatewayFixture fixture) : IDisposable
{
    private const string RulesA = """
        { "rules": [ { "id": "only-alpha", "effect": "allow", "keys": [ "tenants/{claim:tenant}/reload/alpha/**" ], "when": { "authenticated": true } } ] }
        """;

    private const string RulesB = """
        { "rules": [ { "id": "only-beta", "effect": "allow", "keys": [ "tenants/{claim:tenant}/reload/beta/**" ], "when": { "authenticated": true } } ] }
        """;

    private readonly string _configDirectory = TestConfiguration.CopyToTemporaryDirectory();
    private readonly AuditSpanRecorder _audit = new();

    private string RulesFile => Path.Combine(_configDirectory, "rules", "access.json");

    public void Dispose()
    {
        _audit.Dispose();
        Directory.Delete(_configDirectory, recursive: true);
    }

    [Fact]
    public async Task EditRules_WhileRequestsFlow_EveryDecisionMatchesTheVersionItReports()
    {
        await File.WriteAllTextAsync(RulesFile, RulesA);
        await using var gateway = await StartAsync();
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));
        Assert.Equal(HttpStatusCode.Found, (await client.GetAsync("/files/acme/reload/alpha/x")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/files/acme/reload/beta/x")).StatusCode);

        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var count = 0;
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync(count++ % 2 == 0 ? "/files/acme/reload/alpha/x" : "/files/acme/reload/beta/x");
                Assert.True(response.StatusCode is HttpStatusCode.Found or HttpStatusCode.Forbidden, response.StatusCode.ToString());
            }

            return count;
        })).ToArray();

        for (var edit = 0; edit < 6; edit++)
        {
            await Task.Delay(150);
            await File.WriteAllTextAsync(RulesFile, edit % 2 == 0 ? RulesB : RulesA);
        }

        await File.WriteAllTextAsync(RulesFile, RulesB);
        await Eventually.HoldsAsync(async () => (await client.GetAsync("/files/acme/reload/beta/x")).StatusCode == HttpStatusCode.Found, "The rules edit did not take effect.");
        await stop.CancelAsync();
        var requests = (await Task.WhenAll(load)).Sum();

        var decisions = _audit.Spans.Where(span => ((string?)span.GetTagItem(AuditTags.UrlPath))?.StartsWith("/files/acme/reload/", StringComparison.Ordinal) == true).ToList();
        var versions = decisions.Select(span => (string)span.GetTagItem(AuditTags.RulesVersion)!).Distinct().ToList();
        Assert.True(requests > 50, $"only {requests} requests flowed");
        Assert.True(versions.Count >= 2, "the edit never took effect while requests flowed");
        foreach (var group in decisions.GroupBy(span => (string)span.GetTagItem(AuditTags.RulesVersion)!))
        {
            // Within one version, the decisions are exactly those of rule set A or exactly those of rule set B.
            var allowedAlpha = group.Where(IsAlpha).Select(IsAllowed).Distinct().ToList();
            var allowedBeta = group.Where(span => !IsAlpha(span)).Select(IsAllowed).Distinct().ToList();
            Assert.True(allowedAlpha.Count <= 1 && allowedBeta.Count <= 1, $"version {group.Key} gave mixed decisions");
            Assert.False(allowedAlpha.SingleOrDefault() && allowedBeta.SingleOrDefault(), $"version {group.Key} allowed both prefixes");
        }
    }

    [Fact]
    public async Task InvalidEditOrRemoval_IsRejectedAndLastGoodRulesStay()
    {
        await File.WriteAllTextAsync(RulesFile, RulesA);
        await using var gateway = await StartAsync();
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));

        await File.WriteAllTextAsync(RulesFile, """{ "rules": [ { "id": "broken", "effect": "allow-ish", "keys": [ "**" ] } ] }""");
        await Task.Delay(1500);
        using var afterInvalid = await client.GetAsync("/files/acme/reload/alpha/x");
        File.Delete(RulesFile);
        await Task.Delay(1000);
        using var afterRemoval = await client.GetAsync("/files/acme/reload/alpha/x");
        using var stillDenied = await client.GetAsync("/files/acme/reload/beta/x");

        Assert.Equal(HttpStatusCode.Found, afterInvalid.StatusCode);
        Assert.Equal(HttpStatusCode.Found, afterRemoval.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stillDenied.StatusCode);
    }

    private static bool IsAlpha(Activity span) => ((string)span.GetTagItem(AuditTags.UrlPath)!).Contains("/alpha/", StringComparison.Ordinal);

    private static bool IsAllowed(Activity span) => (string?)span.GetTagItem(AuditTags.Decision) == AuditDecisions.Allow;

    private Task<GatewayHost> StartAsync()
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["GATEWAY_CONFIG_DIR"] = _configDirectory;
        return GatewayHost.StartAsync(overrides);
    }
}
