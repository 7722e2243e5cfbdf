using System.Net;
using System.Net.Http.Headers;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// The README's first command, <c>dotnet run --project src/Gateway.AppHost</c>, as a new user meets it: the whole demo
/// comes up, the printed tokens work, a browser sign-in downloads a tenant's file, the decision shows in the dashboard
/// as an audit span and log record, and stopping the AppHost stops every process it started.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class DemoAppHostTests(BrowserFixture browser)
{
    private const string AcmeReport = "Q3 report for acme.\n";

    [Fact]
    public async Task AppHost_SignInAndDownload_AuditSpanInDashboardAndEveryProcessStops()
    {
        await using var demo = await DemoAppHostProcess.StartAsync();

        // The ready-made tokens: each tenant's user gets their own report and is refused the other tenant's.
        using (var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            foreach (var (tenant, other) in new[] { ("acme", "globex"), ("globex", "acme") })
            {
                var token = demo.Tokens[tenant];
                using var allowed = await GetAsync(client, new Uri(demo.Gateway, $"/files/{tenant}/reports/q3.txt"), token);
                Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
                Assert.StartsWith(demo.Store.ToString(), allowed.Headers.Location!.ToString(), StringComparison.Ordinal);
                Assert.StartsWith($"Q3 report for {tenant}.", await client.GetStringAsync(allowed.Headers.Location), StringComparison.Ordinal);

                using var denied = await GetAsync(client, new Uri(demo.Gateway, $"/files/{other}/reports/q3.txt"), token);
                Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            }
        }

        // A person: the friendly link, the provider's sign-in and consent, and the file's bytes from the store.
        await using (var session = await browser.NewSessionAsync())
        {
            var file = new Uri(demo.Gateway, "/files/acme/reports/q3.txt").ToString();
            await session.Page.GotoAsync(file);
            Assert.StartsWith(demo.Identity.ToString(), session.Page.Url, StringComparison.Ordinal);
            var landed = session.Page.WaitForResponseAsync(response => response.Url.StartsWith(demo.Store.ToString(), StringComparison.Ordinal));
            await session.SignInAsync("alice");
            await session.ConsentAsync();
            var response = await landed;

            Assert.Equal(200, response.Status);
            Assert.Equal(AcmeReport, await response.TextAsync());
        }

        // The decision in the dashboard the AppHost started: the browser's allow as an audit span, with its log record.
        var spans = await DashboardTelemetryApi.PollAsync(
            cancellationToken => demo.Telemetry.GetSpansAsync("gateway", cancellationToken: cancellationToken),
            items => items.Any(IsBrowserDownload),
            TimeSpan.FromSeconds(30));
        var span = Assert.Single(spans.Items, IsBrowserDownload);
        Assert.Equal("Gateway", span.Scope);
        Assert.Equal("tenant-files", span.Attributes["gateway.route.id"]);
        Assert.Equal("tenant-members-read", span.Attributes["gateway.rule.id"]);
        Assert.Equal("demo-s3", span.Attributes["gateway.store"]);
        Assert.Contains(spans.Items, s => s.Name == "gateway.download" && s.Attributes.GetValueOrDefault("gateway.decision") == "deny"
            && s.Attributes.GetValueOrDefault("url.path") == "/files/globex/reports/q3.txt");

        var logs = await DashboardTelemetryApi.PollAsync(
            cancellationToken => demo.Telemetry.GetLogsAsync("gateway", cancellationToken: cancellationToken),
            items => items.Any(record => record.SpanId == span.SpanId),
            TimeSpan.FromSeconds(30));
        var log = Assert.Single(logs.Items, record => record.SpanId == span.SpanId);
        Assert.Equal(("allow", "tenants/acme/reports/q3.txt"), (log.Attributes["Decision"], log.Attributes["ObjectKey"]));
        Assert.DoesNotContain(demo.Tokens["acme"], spans.Json + logs.Json, StringComparison.Ordinal);

        // Ctrl-C: the AppHost and its orchestrator exit, and nothing listens on the demo's ports any more.
        Assert.True(demo.ProcessIds.Count >= 8, $"The demo's processes: {demo.ProcessIds.Count}"); // AppHost, DCP, dashboard, s3rver, provider, gateway...
        await demo.StopAsync();
        Assert.Empty(demo.ProcessIds);
        Assert.DoesNotContain(demo.Addresses, DemoAppHostProcess.IsListening);
    }

    private static bool IsBrowserDownload(DashboardSpan span) =>
        span.Name == "gateway.download"
        && span.Attributes.GetValueOrDefault("gateway.decision") == "allow"
        && span.Attributes.GetValueOrDefault("gateway.object.key") == "tenants/acme/reports/q3.txt"
        && span.Attributes.GetValueOrDefault("enduser.id") == "alice"
        && span.Attributes.GetValueOrDefault("user_agent.original")?.Contains("Chrome", StringComparison.Ordinal) == true;

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, Uri url, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }
}

/// <summary>Runs the demo test alone: it starts a whole stack of processes, which the other tests' load would slow down.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DemoCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "demo";
}
