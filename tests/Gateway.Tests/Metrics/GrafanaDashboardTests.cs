using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.Infrastructure;
using Gateway.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Metrics;

/// <summary>
/// The Grafana dashboard in <c>deploy/grafana</c> only queries what the gateway exports: every metric and label its PromQL
/// names is in the scrape of a running (published) gateway after real requests of every kind the panels show.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class GrafanaDashboardTests
{
    private static string DashboardFile => Path.Combine(Repository.Root, "deploy", "grafana", "gateway.json");

    [Fact]
    public async Task Dashboard_EveryQueriedMetricAndLabel_IsExportedByTheScrapeEndpoint()
    {
        var queries = Queries();
        Assert.NotEmpty(queries);

        // Temporary keys from a stand-in STS, so credential refreshes happen; a signing limit small enough to refuse some.
        using var sts = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        var expires = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        sts.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(
            $$$"""{"Response":{"Credentials":{"Token":"tmp-token","TmpSecretId":"AKIDTEMPORARY","TmpSecretKey":"temporary-secret"},"ExpiredTime":{{{expires}}},"Expiration":"x","RequestId":"r1"}}"""));
        var scrape = new Uri($"http://127.0.0.1:{LoopbackPort.Free().ToString(CultureInfo.InvariantCulture)}/metrics");
        await using var gateway = await GatewayProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Metrics:Prometheus:Enabled"] = "true",
            ["Gateway:Metrics:Prometheus:ListenUrl"] = scrape.GetLeftPart(UriPartial.Authority),
            ["Gateway:Stores:demo-cos:Credentials:Source"] = "tencent-sts",
            ["Gateway:Stores:demo-cos:Credentials:Sts:Endpoint"] = sts.Url + "/",
            ["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = "1",
            ["Gateway:RateLimits:Policies:signing:PerSubject:Period"] = "00:01:00",
            ["Gateway:RateLimits:Policies:signing:PerSubject:Burst"] = "3",
        });

        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.Address };
        var statuses = new List<HttpStatusCode>
        {
            await GetAsync(client, "/files/acme/reports/q3.txt", TestTokens.For("alice", "acme")), // allowed, S3 SigV4
            await GetAsync(client, "/cos/acme/reports/q3.txt", TestTokens.For("bob", "acme")), // allowed, COS with temporary keys
            await GetAsync(client, "/files/globex/reports/q3.txt", TestTokens.For("carol", "acme")), // no allow rule
            await GetAsync(client, "/files/acme/drafts/q4.txt", TestTokens.For("dave", "acme")), // a deny rule
        };
        var flood = TestTokens.For("mallory", "acme");
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await GetAsync(client, $"/files/acme/flood/{i.ToString(CultureInfo.InvariantCulture)}.txt", flood));
        }

        Assert.Equal([HttpStatusCode.Found, HttpStatusCode.Found, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], statuses[..4]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        using var scraper = new HttpClient();
        var series = Series(await scraper.GetStringAsync(scrape));
        foreach (var (expression, metrics, labels) in queries)
        {
            foreach (var metric in metrics)
            {
                Assert.True(series.TryGetValue(metric, out var exported), $"'{metric}' (in {expression}) is not exported. Exported: {string.Join(", ", series.Keys.Order(StringComparer.Ordinal))}");
                var missing = labels.Where(label => !exported.Contains(label)).ToList();
                Assert.True(missing.Count == 0, $"'{metric}' (in {expression}) is exported without the labels {string.Join(", ", missing)}; it has {string.Join(", ", exported)}");
            }
        }
    }

    /// <summary>Each panel query of the dashboard: its expression, the metrics it reads and the labels it matches or groups by.</summary>
    private static List<(string Expression, List<string> Metrics, List<string> Labels)> Queries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardFile));
        var queries = new List<(string, List<string>, List<string>)>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expression = target.GetProperty("expr").GetString()!;
                var metrics = MetricName().Matches(expression).Select(match => match.Groups["name"].Value).Distinct().ToList();
                var labels = LabelMatcher().Matches(expression).Select(match => match.Groups["label"].Value)
                    .Concat(Grouping().Matches(expression).SelectMany(match => match.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
                    // Prometheus adds job at scrape time.
                    .Where(label => label != "job")
                    .Distinct()
                    .ToList();
                queries.Add((expression, metrics, labels));
            }
        }

        return queries;
    }

    /// <summary>The Prometheus text exposition as metric name to the label names seen on any of its samples.</summary>
    private static Dictionary<string, HashSet<string>> Series(string exposition)
    {
        var series = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (Sample().Match(line) is not { Success: true } sample)
            {
                continue;
            }

            if (!series.TryGetValue(sample.Groups["name"].Value, out var labels))
            {
                series[sample.Groups["name"].Value] = labels = new HashSet<string>(StringComparer.Ordinal);
            }

            labels.UnionWith(ExposedLabel().Matches(sample.Groups["labels"].Value).Select(match => match.Groups["label"].Value));
        }

        return series;
    }

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new("Bearer", token) } };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    // A metric selector in PromQL: a name directly followed by its label matchers or a range.
    [GeneratedRegex(@"(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*[\{\[]")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*""")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex(@"\b(by|without)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+\S+")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)=""")]
    private static partial Regex ExposedLabel();
}
