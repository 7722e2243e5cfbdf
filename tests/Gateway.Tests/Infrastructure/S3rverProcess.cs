using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.TestSupport;

namespace Gateway.Tests.Infrastructure;

/// <summary>A real s3rver on 127.0.0.1 with one bucket, started from the committed npm lock file and stopped by process id.</summary>
internal sealed class S3rverProcess : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string Bucket = "demo";

    private readonly Process _process;
    private readonly string _directory;

    private S3rverProcess(Process process, string directory, Uri endpoint)
    {
        _process = process;
        _directory = directory;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    private static string S3rver => Path.Combine(Repository.Root, "tests", "tools", "node_modules", "s3rver", "bin", "s3rver.js");

    public static async Task<S3rverProcess> StartAsync()
    {
        if (!File.Exists(S3rver))
        {
            throw new InvalidOperationException("s3rver is not installed: run 'npm ci' in tests/tools (test.sh does).");
        }

        var port = LoopbackPort.Free();
        var directory = Directory.CreateTempSubdirectory("s3rver-").FullName;
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { S3rver, "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var s3rver = new S3rverProcess(process, directory, new Uri($"http://127.0.0.1:{port}"));
        await s3rver.WaitUntilListeningAsync(port);
        return s3rver;
    }

    /// <summary>Seeds an object with a plain HTTP PUT (s3rver does not check signatures).</summary>
    public async Task PutAsync(string key, byte[] content, string? contentType = null)
    {
        using var client = new HttpClient();
        var escaped = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        using var body = new ByteArrayContent(content);
        if (contentType is not null)
        {
            body.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await client.PutAsync(new Uri(Endpoint, $"/{Bucket}/{escaped}"), body);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"s3rver exited with code {_process.ExitCode}.");
            }

            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("s3rver did not start listening within 20 seconds.");
    }
}
