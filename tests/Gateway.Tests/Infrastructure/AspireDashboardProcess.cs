using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A real Aspire Dashboard (NuGet <c>Aspire.Dashboard.Sdk.linux-x64</c>) on 127.0.0.1 as an OTLP/HTTP receiver whose
/// telemetry HTTP API is queried by the tests. Unsecured, with its home in a temporary folder, stopped by process id.
/// </summary>
internal sealed partial class AspireDashboardProcess : IAsyncDisposable
{
    /// <summary>The assembly metadata key under which the test project records the package folder at build time.</summary>
    public const string PackageDirectoryMetadataKey = "AspireDashboardPackageDirectory";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _home;
    private readonly DashboardTelemetryApi _api;
    private readonly ProcessOutput _output;

    private AspireDashboardProcess(Process process, string home, ProcessOutput output, Uri frontend, Uri otlpHttp)
    {
        _process = process;
        _home = home;
        _output = output;
        FrontendEndpoint = frontend;
        OtlpHttpEndpoint = otlpHttp;
        _api = new DashboardTelemetryApi(frontend);
    }

    /// <summary>The dashboard's UI and telemetry API.</summary>
    public Uri FrontendEndpoint { get; }

    /// <summary>The OTLP/HTTP receiver; give it to an exporter as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>http/protobuf</c>.</summary>
    public Uri OtlpHttpEndpoint { get; }

    /// <summary>What the dashboard has written to stdout and stderr so far, for failure messages.</summary>
    public string Output => _output.ToString();

    /// <summary>The dashboard executable inside the NuGet package recorded at build time.</summary>
    public static string ExecutablePath
    {
        get
        {
            var directory = typeof(AspireDashboardProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(attribute => attribute.Key == PackageDirectoryMetadataKey)?.Value;
            if (string.IsNullOrEmpty(directory))
            {
                throw new InvalidOperationException(
                    $"The test assembly has no '{PackageDirectoryMetadataKey}' metadata: restore and build tests/Gateway.Tests (it references Aspire.Dashboard.Sdk.linux-x64).");
            }

            return Path.Combine(directory, "tools", "Aspire.Dashboard");
        }
    }

    /// <summary>Starts the dashboard on ports the system picks and waits until its telemetry API answers.</summary>
    public static async Task<AspireDashboardProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = ExecutablePath;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException("The Aspire Dashboard is not in the NuGet cache: run 'dotnet restore tests/Gateway.Tests'.");
        }

        var home = Directory.CreateTempSubdirectory("gateway-aspire-dashboard-").FullName;
        var temp = Directory.CreateDirectory(Path.Combine(home, "tmp")).FullName;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(InheritedSettingToDrop).ToList())
        {
            start.Environment.Remove(name);
        }

        // HOME holds its Data Protection keys; TMPDIR its own working folder (a SQLite file and a lock file),
        // which a killed dashboard cannot remove itself. Both go when this folder is deleted.
        start.Environment["HOME"] = home;
        start.Environment["TMPDIR"] = temp;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Port 0 everywhere: the dashboard reports the ports it got, so nothing races for a "free" port.
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://127.0.0.1:0";
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        start.Environment["ASPIRE_DASHBOARD_API_ENABLED"] = "true";
        start.Environment["Dashboard__Api__AuthMode"] = "Unsecured";

        var output = new ProcessOutput();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("The Aspire Dashboard did not start.");
        }
        catch
        {
            Directory.Delete(home, recursive: true);
            throw;
        }

        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        AspireDashboardProcess? dashboard = null;
        try
        {
            var (frontend, otlpHttp) = await output.WaitForEndpointsAsync(process, StartTimeout, cancellationToken);
            dashboard = new AspireDashboardProcess(process, home, output, frontend, otlpHttp);
            await dashboard.WaitUntilApiAnswersAsync(cancellationToken);
            return dashboard;
        }
        catch
        {
            if (dashboard is not null)
            {
                await dashboard.DisposeAsync();
            }
            else
            {
                await StopAsync(process);
                process.Dispose();
                Directory.Delete(home, recursive: true);
            }

            throw;
        }
    }

    /// <summary>The dashboard's telemetry API.</summary>
    public DashboardTelemetryApi Api => _api;

    /// <inheritdoc cref="DashboardTelemetryApi.GetSpansAsync"/>
    public Task<DashboardSnapshot<DashboardSpan>> GetSpansAsync(string? resource = null, int limit = 10_000, CancellationToken cancellationToken = default) =>
        _api.GetSpansAsync(resource, limit, cancellationToken);

    /// <inheritdoc cref="DashboardTelemetryApi.GetLogsAsync"/>
    public Task<DashboardSnapshot<DashboardLogRecord>> GetLogsAsync(string? resource = null, int limit = 10_000, CancellationToken cancellationToken = default) =>
        _api.GetLogsAsync(resource, limit, cancellationToken);

    /// <inheritdoc cref="DashboardTelemetryApi.PollAsync"/>
    public static Task<DashboardSnapshot<T>> PollAsync<T>(
        Func<CancellationToken, Task<DashboardSnapshot<T>>> query,
        Func<IReadOnlyList<T>, bool> until,
        TimeSpan timeout,
        CancellationToken cancellationToken = default) =>
        DashboardTelemetryApi.PollAsync(query, until, timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await StopAsync(_process);
        _process.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        await process.WaitForExitAsync();
    }

    /// <summary>Settings of the test run that must not leak into the dashboard (its own URLs, OTLP and dashboard options).</summary>
    internal static bool InheritedSettingToDrop(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_DASHBOARD", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPIRE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Dashboard__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase);

    private async Task WaitUntilApiAnswersAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Aspire Dashboard exited with code {_process.ExitCode}:\n{Output}");
            }

            if (await _api.AnswersAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The Aspire Dashboard's telemetry API did not answer within {StartTimeout.TotalSeconds} seconds:\n{Output}");
    }

    /// <summary>The dashboard's console output, kept for error messages and read for the addresses it listens on.</summary>
    private sealed partial class ProcessOutput
    {
        private const int MaxLines = 500;
        private readonly Queue<string> _lines = new();
        private readonly TaskCompletionSource<Uri> _frontend = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<Uri> _otlpHttp = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > MaxLines)
                {
                    _lines.Dequeue();
                }
            }

            if (FrontendLine().Match(line) is { Success: true } frontend)
            {
                _frontend.TrySetResult(new Uri(frontend.Groups["url"].Value));
            }
            else if (OtlpHttpLine().Match(line) is { Success: true } otlpHttp)
            {
                _otlpHttp.TrySetResult(new Uri(otlpHttp.Groups["url"].Value));
            }
        }

        public async Task<(Uri Frontend, Uri OtlpHttp)> WaitForEndpointsAsync(Process process, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            var both = Task.WhenAll(_frontend.Task, _otlpHttp.Task);
            var exited = process.WaitForExitAsync(timeoutSource.Token);
            try
            {
                if (await Task.WhenAny(both, exited).WaitAsync(timeoutSource.Token) == both)
                {
                    return (await _frontend.Task, await _otlpHttp.Task);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The Aspire Dashboard did not report its addresses within {timeout.TotalSeconds} seconds:\n{this}");
            }
            finally
            {
                // Ends the wait for exit as well.
                await timeoutSource.CancelAsync();
            }

            throw new InvalidOperationException($"The Aspire Dashboard exited with code {process.ExitCode}:\n{this}");
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }

        [GeneratedRegex(@"^\s*Now listening on: (?<url>http://\S+)\s*$")]
        private static partial Regex FrontendLine();

        [GeneratedRegex(@"^\s*OTLP/HTTP listening on: (?<url>http://\S+)\s*$")]
        private static partial Regex OtlpHttpLine();
    }
}

/// <summary>What one dashboard API call returned: the flattened records, the dashboard's total count, and the raw OTLP JSON.</summary>
internal sealed record DashboardSnapshot<T>(IReadOnlyList<T> Items, int TotalCount, string Json);

/// <summary>One span from <c>/api/telemetry/spans</c>, with its scope and its resource's attributes.</summary>
internal sealed record DashboardSpan(
    string Name,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    int Kind,
    int StatusCode,
    string Scope,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, string> Resource);

/// <summary>One structured log record from <c>/api/telemetry/logs</c>, with its scope (the logger category) and its resource's attributes.</summary>
internal sealed record DashboardLogRecord(
    string? Body,
    string? SeverityText,
    int SeverityNumber,
    string? TraceId,
    string? SpanId,
    string Scope,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, string> Resource);
