using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Three gateway processes behind nginx round-robin, sharing one redis-server: the signing limit is global, a browser
/// signs in across instances, a Redis outage costs no request, and an instance stopped under load costs none either.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed partial class ScaleOutTests(BrowserFixture browser, ScaleOutFixture parts, ITestOutputHelper output)
{
    private const string Tenant = "acme";

    [Fact]
    public async Task ThreeInstances_SustainedLoadFromOneSubject_IsLimitedToTheGlobalRate()
    {
        var run = await LoadOneSubjectAsync("global-rate", TimeSpan.FromSeconds(3));

        output.WriteLine($"global rate: {run}");
        Assert.Equal(0, run.Failed);
        Assert.True(run.Instances >= ScaleOutFixture.Instances, $"the load reached {run.Instances} instances");
        Assert.InRange(run.Allowed, run.Expected * 0.9, run.Expected * 1.1);
    }

    [Fact]
    public async Task BrowserSignIn_SignInCallbackAndDownloadOnDifferentInstances_LandsOnTheFile()
    {
        await using var session = await browser.NewSessionAsync();
        // Nothing but the flow itself goes through the balancer, so round-robin puts each step on the next instance.
        await session.Page.RouteAsync("**/favicon.ico", route => route.FulfillAsync(new() { Status = 404 }));
        var balancer = parts.Nginx.Address.GetLeftPart(UriPartial.Authority);
        var steps = new List<(string Method, string Path, int Status, string? Location, string? Upstream)>();
        session.Page.Response += (_, response) =>
        {
            if (response.Url.StartsWith(balancer, StringComparison.Ordinal))
            {
                var headers = response.Headers;
                lock (steps)
                {
                    steps.Add((response.Request.Method, new Uri(response.Url).AbsolutePath, response.Status, headers.GetValueOrDefault("location"), headers.GetValueOrDefault("x-upstream")));
                }
            }
        };
        var file = new Uri(parts.Nginx.Address, "/files/acme/reports/q3.txt").ToString();
        var landed = session.Page.WaitForResponseAsync(response => response.Url.StartsWith(parts.S3rver.Endpoint.ToString(), StringComparison.Ordinal));

        await session.Page.GotoAsync(file);
        await session.SignInAsync("alice");
        await session.ConsentAsync();
        var stored = await landed;

        Assert.Equal(200, stored.Status);
        Assert.Equal(BrowserSignInFixture.Report, await stored.BodyAsync());
        string Upstream(Func<(string Method, string Path, int Status, string? Location, string? Upstream), bool> which)
        {
            lock (steps)
            {
                return Assert.Single(steps, step => which(step)).Upstream ?? throw new InvalidOperationException("no upstream header");
            }
        }

        var signIn = Upstream(step => step.Path == "/files/acme/reports/q3.txt" && step.Location?.StartsWith(parts.Provider.Issuer.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) == true);
        var callback = Upstream(step => step.Path == "/signin-oidc");
        var download = Upstream(step => step.Path == "/files/acme/reports/q3.txt" && step.Location?.StartsWith(parts.S3rver.Endpoint.ToString(), StringComparison.Ordinal) == true);
        output.WriteLine($"sign-in on {signIn}, callback on {callback}, download on {download}");
        Assert.Equal(3, new[] { signIn, callback, download }.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task RedisStoppedMidRun_DownloadsGoOnWithoutA5xx_ThenLimitsAreGlobalAgain()
    {
        var restoredBefore = parts.Gateways.Select(gateway => gateway.RedisRestoredCount).ToArray();
        OutageRun during;
        var reconnect = (Requests: 0, Failed: 0);
        await parts.Redis.StopAsync();
        try
        {
            during = await OutageLoadAsync(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await parts.Redis.StartAgainAsync();
        }

        // Until every instance has reconnected (it logs "Redis answers again"), downloads still go on, on local limits.
        using (var client = BalancerClient())
        {
            var clock = Stopwatch.StartNew();
            var i = 0;
            while (parts.Gateways.Select((gateway, index) => gateway.RedisRestoredCount > restoredBefore[index]).Any(restored => !restored))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the gateways did not use Redis again within 30 seconds");
                using var request = Download($"reconnect-{i}", $"/files/acme/reconnect/{i++}.txt");
                using var response = await client.SendAsync(request);
                reconnect = (reconnect.Requests + 1, reconnect.Failed + (response.StatusCode == HttpStatusCode.Found ? 0 : 1));
                await Task.Delay(50);
            }

            output.WriteLine($"all instances on Redis again {clock.Elapsed.TotalSeconds:0.0} s after it restarted; {reconnect.Requests} requests meanwhile, {reconnect.Failed} failed");
        }

        var after = await LoadOneSubjectAsync("after-outage", TimeSpan.FromSeconds(2));

        output.WriteLine($"during the outage: {during}");
        output.WriteLine($"after the outage: {after}");
        Assert.Equal(0, during.ServerErrors);
        Assert.Equal(0, during.CallersRefused);
        Assert.True(during.HotLimited > 0, "the local fallback limits refused nothing");
        Assert.Equal(0, reconnect.Failed);
        Assert.Equal(0, after.Failed);
        Assert.InRange(after.Allowed, after.Expected * 0.9, after.Expected * 1.1);
    }

    [Fact]
    public async Task OneInstanceStoppedGracefully_UnderWrkLoad_NoRequestFailsAtTheBalancer()
    {
        var stopped = parts.Gateways[^1];
        var logBefore = parts.Nginx.AccessLog().Length;
        var url = new Uri(parts.Nginx.Address, "/public/wrk/report.txt").ToString();
        var wrk = new ProcessStartInfo("/usr/bin/wrk")
        {
            ArgumentList = { "-t2", "-c16", "-d6s", "--latency", url },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Assert.True(File.Exists(wrk.FileName), "wrk is not installed: apt-get install wrk (test.sh does).");

        string report;
        TimeSpan shutdown;
        using (var load = Process.Start(wrk) ?? throw new InvalidOperationException("wrk did not start."))
        {
            var stdout = load.StandardOutput.ReadToEndAsync();
            var stderr = load.StandardError.ReadToEndAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            shutdown = await stopped.TerminateAsync();
            await load.WaitForExitAsync();
            report = await stdout + await stderr;
        }

        var exitCode = stopped.ExitCode;
        await stopped.StartAgainAsync();
        var lines = parts.Nginx.AccessLog()[logBefore..];
        var retried = lines.Count(line => line.Contains(',', StringComparison.Ordinal));
        // 499: wrk closing its connections at the end of its run, with requests still in flight; not an answer.
        var closedByWrk = lines.Count(line => line.StartsWith("499 ", StringComparison.Ordinal));
        var requests = Count(RequestsPattern(), report);
        var non2xx3xx = Count(Non2xx3xxPattern(), report);
        var socket = SocketErrorsPattern().Match(report);
        var socketErrors = socket.Success ? Enumerable.Range(1, 4).Sum(group => int.Parse(socket.Groups[group].Value, CultureInfo.InvariantCulture)) : 0;
        output.WriteLine(report);
        output.WriteLine($"graceful stop: {requests} requests, {non2xx3xx} non-2xx/3xx, {socketErrors} socket errors; instance stopped in {shutdown.TotalMilliseconds:0} ms with exit code {exitCode}; nginx retried {retried} requests on another instance; {closedByWrk} closed by wrk at its end");

        Assert.True(requests > 0, report);
        Assert.Equal(0, non2xx3xx);
        Assert.Equal(0, socketErrors);
        Assert.DoesNotContain(lines, line => !line.StartsWith("302 ", StringComparison.Ordinal) && !line.StartsWith("499 ", StringComparison.Ordinal));
        Assert.Equal(0, exitCode);
    }

    private HttpClient BalancerClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 16 }) { BaseAddress = parts.Nginx.Address };

    private static HttpRequestMessage Download(string subject, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", TestTokens.For(subject, Tenant));
        return request;
    }

    /// <summary>Downloads as one subject through the balancer, from 8 concurrent callers, for <paramref name="duration"/>.</summary>
    private async Task<RateRun> LoadOneSubjectAsync(string subject, TimeSpan duration)
    {
        using var client = BalancerClient();
        var token = TestTokens.For(subject, Tenant);
        var (allowed, limited, failed) = (0, 0, 0);
        var instances = new HashSet<string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            var i = 0;
            while (clock.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/files/acme/{subject}/{worker}-{i++}.txt");
                request.Headers.Authorization = new("Bearer", token);
                using var response = await client.SendAsync(request);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Found: Interlocked.Increment(ref allowed); break;
                    case HttpStatusCode.TooManyRequests: Interlocked.Increment(ref limited); break;
                    default: Interlocked.Increment(ref failed); break;
                }

                if (response.Headers.TryGetValues(NginxProcess.UpstreamHeader, out var upstream))
                {
                    lock (instances)
                    {
                        instances.Add(string.Join(",", upstream));
                    }
                }
            }
        }));
        var elapsed = clock.Elapsed;
        return new RateRun(allowed, limited, failed, elapsed, ScaleOutFixture.PermitsPerSecond * (1 + elapsed.TotalSeconds), instances.Count);
    }

    /// <summary>
    /// While Redis is down: 4 callers each downloading within their own limits (a new subject per request), and 4
    /// downloading as one subject over its limit, all through the balancer.
    /// </summary>
    private async Task<OutageRun> OutageLoadAsync(TimeSpan duration)
    {
        using var client = BalancerClient();
        var (requests, serverErrors, callersRefused, hotAllowed, hotLimited) = (0, 0, 0, 0, 0);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            var hot = worker % 2 == 0;
            var i = 0;
            while (clock.Elapsed < duration)
            {
                var subject = hot ? "outage-hot" : $"outage-{worker}-{i}";
                using var request = Download(subject, $"/files/acme/outage/{worker}-{i++}.txt");
                using var response = await client.SendAsync(request);
                Interlocked.Increment(ref requests);
                if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref serverErrors);
                }

                if (!hot && response.StatusCode != HttpStatusCode.Found)
                {
                    Interlocked.Increment(ref callersRefused);
                }

                if (hot)
                {
                    _ = response.StatusCode == HttpStatusCode.Found ? Interlocked.Increment(ref hotAllowed) : Interlocked.Increment(ref hotLimited);
                }
            }
        }));
        var elapsed = clock.Elapsed;
        return new OutageRun(requests, serverErrors, callersRefused, hotAllowed, hotLimited, ScaleOutFixture.PermitsPerSecond * (1 + elapsed.TotalSeconds), elapsed);
    }

    private static int Count(Regex pattern, string text) =>
        pattern.Match(text) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx3xxPattern();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsPattern();

    private sealed record RateRun(int Allowed, int Limited, int Failed, TimeSpan Elapsed, double Expected, int Instances)
    {
        public override string ToString() =>
            $"{Allowed} allowed, {Limited} limited, {Failed} failed in {Elapsed.TotalSeconds:0.00} s over {Instances} instances; the global limit allows {Expected:0} ({Allowed / Expected:P1})";
    }

    private sealed record OutageRun(int Requests, int ServerErrors, int CallersRefused, int HotAllowed, int HotLimited, double GlobalExpected, TimeSpan Elapsed)
    {
        public override string ToString() =>
            $"{Requests} requests in {Elapsed.TotalSeconds:0.00} s, {ServerErrors} 5xx, {CallersRefused} refused within their limits; one subject over its limit: {HotAllowed} allowed, {HotLimited} limited (global limit {GlobalExpected:0}, {HotAllowed / GlobalExpected:P1})";
    }
}

/// <summary>
/// Runs the scale-out tests alone, after every other collection: their limits and timings are measured across real
/// processes and would read the machine's other test load otherwise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<ScaleOutFixture>
{
    public const string Name = "scale-out";
}
