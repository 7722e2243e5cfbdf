using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Gateway.TestSupport;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// The published gateway (<c>artifacts/publish</c>, which test.sh makes as the Dockerfile does) run as a process of its
/// own on 127.0.0.1, in the <see cref="GatewayHost.TestEnvironment"/> with the test binaries' configuration folder
/// (the committed files plus <c>gateway.Test.json</c>), overrides given as environment variables. Stopped by process id.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyDictionary<string, string?> _overrides;
    private readonly string _home;
    private readonly ConcurrentQueue<string> _tail = new();
    private Process? _process;
    private int _restored;

    private GatewayProcess(int port, IReadOnlyDictionary<string, string?> overrides)
    {
        Port = port;
        _overrides = overrides;
        _home = Directory.CreateTempSubdirectory("gateway-home-").FullName;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>How many times this instance has logged that Redis answers again.</summary>
    public int RedisRestoredCount => Volatile.Read(ref _restored);

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _tail);

    public int? ExitCode => _process is { HasExited: true } process ? process.ExitCode : null;

    private static string PublishedDll => Path.Combine(Repository.Root, "artifacts", "publish", "Gateway.dll");

    /// <summary>Starts an instance on a free port and returns once <c>/health/ready</c> answers 200.</summary>
    public static async Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string?> overrides)
    {
        if (!File.Exists(PublishedDll))
        {
            throw new InvalidOperationException($"{PublishedDll} was not found: publish the gateway first (test.sh runs 'dotnet publish ... -o artifacts/publish').");
        }

        var gateway = new GatewayProcess(LoopbackPort.Free(), overrides);
        await gateway.StartAgainAsync();
        return gateway;
    }

    /// <summary>
    /// Runs the published gateway with <paramref name="args"/> (nothing added) until it exits, as a person would from a
    /// shell, with the test binaries' configuration folder and <paramref name="overrides"/> as environment variables.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(
        IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? overrides = null, string? configDirectory = null, string? home = null)
    {
        if (!File.Exists(PublishedDll))
        {
            throw new InvalidOperationException($"{PublishedDll} was not found: publish the gateway first (test.sh runs 'dotnet publish ... -o artifacts/publish').");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(PublishedDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PublishedDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GATEWAY_CONFIG_DIR"] = configDirectory ?? Path.Combine(AppContext.BaseDirectory, "config");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_URLS");
        // Never the real home: its user secrets and keys are not the test's.
        var ownHome = home is null ? Directory.CreateTempSubdirectory("gateway-home-").FullName : null;
        start.Environment["HOME"] = home ?? ownHome;

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        try
        {
            return await RunAsync(start);
        }
        finally
        {
            if (ownHome is not null)
            {
                Directory.Delete(ownHome, recursive: true);
            }
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The gateway did not exit within 60 seconds:{Environment.NewLine}{await output}{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts the process (again) on its port and waits until it is ready.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("Already running.");
        }

        _process?.Dispose();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { PublishedDll, "--urls", Address.GetLeftPart(UriPartial.Authority), "--environment", GatewayHost.TestEnvironment },
            WorkingDirectory = Path.GetDirectoryName(PublishedDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GATEWAY_CONFIG_DIR"] = Path.Combine(AppContext.BaseDirectory, "config");
        start.Environment["HOME"] = _home;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in _overrides)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilReadyAsync(process);
    }

    /// <summary>Sends SIGTERM (a graceful stop, as Kubernetes does) and waits until the process has exited.</summary>
    public async Task<TimeSpan> TerminateAsync()
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start."))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await process.WaitForExitAsync(timeout.Token);
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temporary folder clean-up.
        }
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Contains("Redis answers again", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _restored);
        }

        _tail.Enqueue(line);
        while (_tail.Count > 200 && _tail.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilReadyAsync(Process process)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var ready = new Uri(Address, "/health/ready");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"The gateway exited with code {process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await client.GetAsync(ready);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The gateway did not answer {ready} within {StartTimeout.TotalSeconds} seconds:{Environment.NewLine}{Output}");
    }
}
