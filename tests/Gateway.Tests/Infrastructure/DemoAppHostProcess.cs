using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;
using Gateway.TestSupport;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// The demo as a user starts it: the built <c>src/Gateway.AppHost</c>, whose orchestrator (DCP) runs s3rver, the OpenID
/// Provider, the gateway, the token verb and the Aspire Dashboard. Every port is a free loopback port chosen here.
/// Every process of the demo inherits a run id in its environment, by which the test finds them all, the orchestrator
/// (which runs detached) and its children included. Stopped with SIGTERM, as Ctrl-C would; anything still running
/// afterwards is killed by process id.
/// </summary>
internal sealed partial class DemoAppHostProcess : IAsyncDisposable
{
    /// <summary>The assembly metadata key under which the test project records its build configuration, the AppHost's too.</summary>
    public const string ConfigurationMetadataKey = "AppHostConfiguration";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);
    private const string RunIdVariable = "GATEWAY_DEMO_TEST_RUN";

    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly string _runId;

    private DemoAppHostProcess(Process process, string runId, string directory, Ports ports)
    {
        _process = process;
        _runId = runId;
        _directory = directory;
        Dashboard = Loopback(ports.Dashboard);
        OtlpHttp = Loopback(ports.Otlp);
        Gateway = Loopback(ports.Gateway);
        Store = Loopback(ports.Store);
        Identity = Loopback(ports.Identity);
        Telemetry = new DashboardTelemetryApi(Dashboard);
    }

    public Uri Dashboard { get; }

    public Uri OtlpHttp { get; }

    public Uri Gateway { get; }

    public Uri Store { get; }

    public Uri Identity { get; }

    public DashboardTelemetryApi Telemetry { get; }

    /// <summary>The development token the AppHost printed for each tenant's demo user.</summary>
    public IReadOnlyDictionary<string, string> Tokens => _tokens;

    /// <summary>Every address the demo listens on.</summary>
    public IEnumerable<Uri> Addresses => [Dashboard, OtlpHttp, Gateway, Store, Identity];

    /// <summary>Every running process of this demo: the AppHost, the orchestrator and whatever they started.</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get
        {
            var marker = $"{RunIdVariable}={_runId}";
            var found = new List<int>();
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    && IsRunning(id)
                    && ReadOrEmpty(Path.Combine(directory, "environ")).Split('\0').Contains(marker, StringComparer.Ordinal))
                {
                    found.Add(id);
                }
            }

            return found;
        }
    }

    /// <summary>What the AppHost has printed so far, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    private static string AppHostPath
    {
        get
        {
            var configuration = typeof(DemoAppHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(attribute => attribute.Key == ConfigurationMetadataKey)?.Value ?? "Release";
            return Path.Combine(Repository.Root, "src", "Gateway.AppHost", "bin", configuration, "net10.0", "Gateway.AppHost.dll");
        }
    }

    /// <summary>
    /// Starts the AppHost and returns once the gateway is ready and both development tokens are printed. A start that
    /// is not ready in time is stopped and tried once more: on a loaded machine the orchestrator has once sat for minutes
    /// without starting any resource, and then started at once on the next try.
    /// </summary>
    public static async Task<DemoAppHostProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await StartOnceAsync(cancellationToken);
        }
        catch (TimeoutException)
        {
            return await StartOnceAsync(cancellationToken);
        }
    }

    private static async Task<DemoAppHostProcess> StartOnceAsync(CancellationToken cancellationToken)
    {
        var appHost = AppHostPath;
        if (!File.Exists(appHost))
        {
            throw new InvalidOperationException($"The AppHost is not built: run 'dotnet build src/Gateway.AppHost' ({appHost} is missing).");
        }

        var ports = new Ports(LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        var directory = Directory.CreateTempSubdirectory("gateway-demo-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { appHost },
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(AspireDashboardProcess.InheritedSettingToDrop).ToList())
        {
            start.Environment.Remove(name);
        }

        // What the AppHost's launch profile sets for `dotnet run`, on this test's ports.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = Loopback(ports.Dashboard).ToString();
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = Loopback(ports.Otlp).ToString();
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        start.Environment["Demo__GatewayPort"] = Text(ports.Gateway);
        start.Environment["Demo__StorePort"] = Text(ports.Store);
        start.Environment["Demo__IdentityPort"] = Text(ports.Identity);
        start.Environment["Demo__StoreDirectory"] = Path.Combine(directory, "store");
        // Data Protection keys, the orchestrator's and the dashboard's files: in the temporary folder, not the real home.
        start.Environment["HOME"] = Directory.CreateDirectory(Path.Combine(directory, "home")).FullName;
        var runId = Guid.NewGuid().ToString("N");
        start.Environment[RunIdVariable] = runId;

        var demo = new DemoAppHostProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."), runId, directory, ports);
        var process = demo._process;
        process.OutputDataReceived += (_, e) => demo.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => demo.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await demo.WaitUntilReadyAsync(cancellationToken);
            return demo;
        }
        catch
        {
            await demo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends SIGTERM to the AppHost, as Ctrl-C does, and waits until every process of the demo has exited.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Text(_process.Id) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start."))
        {
            await kill.WaitForExitAsync();
        }

        // The orchestrator stops every resource; a gateway still flushing its telemetry may take a few seconds more.
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        while (ProcessIds.Count > 0 || Addresses.Any(IsListening))
        {
            await Task.Delay(250, timeout.Token);
        }
    }

    /// <summary>True while something accepts connections at <paramref name="address"/>.</summary>
    public static bool IsListening(Uri address)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, address.Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>True while the process with <paramref name="processId"/> runs (and is not a zombie).</summary>
    private static bool IsRunning(int processId)
    {
        var status = ReadOrEmpty($"/proc/{Text(processId)}/stat");
        return status.LastIndexOf(')') is var end and > 0 && status[(end + 2)..] is not ['Z', ..] and not ['X', ..];
    }

    public async ValueTask DisposeAsync()
    {
        Telemetry.Dispose();
        Kill(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
        foreach (var id in ProcessIds)
        {
            try
            {
                using var process = Process.GetProcessById(id);
                Kill(process);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temporary folder clean-up.
        }
    }

    private static void Kill(Process process)
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
            // Exited between the check and the kill.
        }
    }

    private static string ReadOrEmpty(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Exited while being read, or not ours to read.
            return "";
        }
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{Text(port)}");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (TokenLine().Match(line) is { Success: true } token)
        {
            _tokens[token.Groups["tenant"].Value] = token.Groups["token"].Value;
        }

        if (_output.Count < 2000)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ready = new Uri(Gateway, "/health/ready");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"The AppHost exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await client.GetAsync(ready, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && _tokens.Count == 2 && await Telemetry.AnswersAsync(cancellationToken))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"The demo was not ready (gateway at {ready}, two tokens) within {StartTimeout.TotalMinutes} minutes:{Environment.NewLine}{Output}");
    }

    [GeneratedRegex("a development token for (?<user>\\w+) of tenant (?<tenant>\\w+): curl -i -H \"Authorization: Bearer (?<token>[A-Za-z0-9._-]+)\"")]
    private static partial Regex TokenLine();

    private sealed record Ports(int Dashboard, int Otlp, int Gateway, int Store, int Identity);
}
