using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.TestSupport;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A real Debian <c>redis-server</c> on 127.0.0.1, without persistence, daemonized with a pid file and stopped by that
/// process id. It can be stopped and started again on the same port, to take Redis away from a running gateway.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";

    private readonly string _directory = Directory.CreateTempSubdirectory("redis-").FullName;
    private int? _pid;

    private RedisServerProcess(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    private string PidFile => Path.Combine(_directory, "redis.pid");

    public static async Task<RedisServerProcess> StartAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException("redis-server is not installed: apt-get install redis-server (test.sh does).");
        }

        var redis = new RedisServerProcess(LoopbackPort.Free());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server (again) on its port, empty, and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        if (_pid is not null)
        {
            throw new InvalidOperationException("Already running.");
        }

        File.Delete(PidFile);
        var start = new ProcessStartInfo(Executable)
        {
            ArgumentList =
            {
                "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "yes", "--pidfile", PidFile, "--dir", _directory, "--logfile", Path.Combine(_directory, "redis.log"),
            },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var launcher = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start."))
        {
            await launcher.WaitForExitAsync();
            if (launcher.ExitCode != 0)
            {
                throw new InvalidOperationException($"redis-server exited with code {launcher.ExitCode}: {await launcher.StandardError.ReadToEndAsync()}");
            }
        }

        var deadline = Stopwatch.StartNew();
        while (!File.Exists(PidFile) || new FileInfo(PidFile).Length == 0)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException("redis-server wrote no pid file within 20 seconds.");
            }

            await Task.Delay(50);
        }

        _pid = int.Parse((await File.ReadAllTextAsync(PidFile)).Trim(), CultureInfo.InvariantCulture);
        await WaitUntilAnsweringAsync();
    }

    /// <summary>Stops the server by its process id and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        if (_pid is not { } pid)
        {
            return;
        }

        _pid = null;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, Port);
                var stream = socket.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException("redis-server did not answer PING within 20 seconds.");
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>One redis-server for the tests of shared state; they run one after another, so one may stop and restart it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServerProcess? _redis;

    internal RedisServerProcess Redis => _redis ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _redis = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
