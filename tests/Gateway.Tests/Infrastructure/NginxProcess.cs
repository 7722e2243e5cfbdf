using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.TestSupport;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A real Debian nginx on 127.0.0.1 balancing round-robin over gateway instances, from a generated nginx.conf in a
/// temporary folder (<c>nginx -p DIR -c DIR/nginx.conf</c>, <c>daemon off</c>, one process), stopped by process id.
/// It retries a request on the next instance when one refuses the connection, times out or answers 502/503, and tells
/// which instance answered in the response header <see cref="UpstreamHeader"/> (nginx's <c>$upstream_addr</c>).
/// </summary>
internal sealed class NginxProcess : IAsyncDisposable
{
    /// <summary>The response header with the address of the instance (or instances, when retried) that answered.</summary>
    public const string UpstreamHeader = "X-Upstream";

    private const string Executable = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly string _directory;

    private NginxProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Each request's status and the instance(s) that answered it, as nginx's access log has them.</summary>
    public string[] AccessLog() => File.ReadAllLines(Path.Combine(_directory, "access.log"));

    public static async Task<NginxProcess> StartAsync(IEnumerable<int> upstreamPorts)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException("nginx is not installed: apt-get install nginx (test.sh does).");
        }

        var directory = Directory.CreateTempSubdirectory("nginx-").FullName;
        var port = LoopbackPort.Free();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(directory, port, upstreamPorts));
        var start = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "-p", directory, "-c", config, "-e", Path.Combine(directory, "error.log") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var nginx = new NginxProcess(process, directory, port);
        try
        {
            await nginx.WaitUntilListeningAsync();
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }

        return nginx;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Config(string directory, int port, IEnumerable<int> upstreamPorts)
    {
        var servers = new StringBuilder();
        foreach (var upstream in upstreamPorts)
        {
            // max_fails=0: a stopped instance is tried again at once when it is back (the retry covers it meanwhile).
            servers.Append(CultureInfo.InvariantCulture, $"    server 127.0.0.1:{upstream} max_fails=0;\n");
        }

        // One process, so the round-robin order is one sequence and the process id is nginx itself.
        return $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
              log_format upstreams '$status $upstream_addr $upstream_status';
              access_log {{directory}}/access.log upstreams;
              client_body_temp_path {{directory}}/client_body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              upstream gateways {
            {{servers}}  }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://gateways;
                  # $http_host keeps the port, so the sign-in callback URL the gateway builds points back at nginx.
                  proxy_set_header Host $http_host;
                  proxy_set_header X-Forwarded-For $remote_addr;
                  proxy_set_header X-Forwarded-Proto $scheme;
                  proxy_next_upstream error timeout http_502 http_503;
                  proxy_connect_timeout 2s;
                  proxy_buffer_size 16k;
                  proxy_buffers 8 16k;
                  add_header {{UpstreamHeader}} $upstream_addr always;
                }
              }
            }
            """;
    }

    private async Task WaitUntilListeningAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                var error = Path.Combine(_directory, "error.log");
                throw new InvalidOperationException($"nginx exited with code {_process.ExitCode}: {(File.Exists(error) ? await File.ReadAllTextAsync(error) : string.Empty)}");
            }

            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("nginx did not start listening within 20 seconds.");
    }
}
