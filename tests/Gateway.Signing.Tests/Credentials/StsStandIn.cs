using System.Net;
using System.Net.Sockets;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Signing.Tests.Credentials;

/// <summary>An in-process WireMock server on loopback, standing in for Tencent or AWS STS. One per test class; reset per test.</summary>
public sealed class StsStandIn : IDisposable
{
    private const string SlowPath = "/slow/";

    public StsStandIn()
    {
        // Loopback only: the default binds to every interface.
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        Endpoint = new Uri(Server.Url! + "/");
    }

    public WireMockServer Server { get; }

    /// <summary>The stand-in's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The Host header a client sends to <see cref="Endpoint"/>.</summary>
    public string Host => Endpoint.Authority;

    /// <summary>A client that connects to the stand-in directly (no proxy from the environment); the default timeout is long, as a loaded machine can be slow.</summary>
    public static HttpClient CreateClient(TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { UseProxy = false }) { Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    /// <summary>
    /// A client that sends requests for any host (such as <c>sts.tencentcloudapi.com</c>) to the stand-in on loopback,
    /// so the Host header and signature are exactly those of the real service and nothing leaves the machine.
    /// </summary>
    public HttpClient CreateClientRedirectingEveryHostToLoopback()
    {
        int port = Endpoint.Port;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Reset() => Server.Reset();

    /// <summary>The stand-in's address for slow answers; see <see cref="AnswerSlowly"/>.</summary>
    public Uri SlowEndpoint => new(Endpoint, SlowPath);

    /// <summary>Answers every POST to <c>/</c> with <paramref name="status"/> and <paramref name="body"/>.</summary>
    public void Answer(int status, string body, string contentType) =>
        Server.Given(Request.Create().WithPath("/").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

    /// <summary>
    /// Answers POSTs to <see cref="SlowEndpoint"/> after <paramref name="delay"/>. WireMock logs a request only once it
    /// has answered, so these are kept out of <see cref="Requests"/>: a later test would otherwise see them.
    /// </summary>
    public void AnswerSlowly(TimeSpan delay, string body, string contentType) =>
        Server.Given(Request.Create().WithPath(SlowPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", contentType).WithBody(body).WithDelay(delay));

    /// <summary>The requests to <c>/</c> the stand-in has answered, in order.</summary>
    public IReadOnlyList<IRequestMessage> Requests =>
        Server.LogEntries.Select(entry => entry.RequestMessage).Where(request => request.AbsolutePath == "/").ToList();

    /// <summary>One header of a received request, its values joined by commas; null when absent.</summary>
    public static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } header
            ? string.Join(",", header.Value)
            : null;

    public void Dispose() => Server.Stop();
}
