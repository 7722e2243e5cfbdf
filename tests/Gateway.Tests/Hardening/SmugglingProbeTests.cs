using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hardening;

/// <summary>
/// Request-smuggling probes against Kestrel over raw TCP. Each probe hides a second request (to a unique path on the
/// proxied backend) behind ambiguous framing, then a canary request follows on the same connection. HTTP/1.1 answers in
/// order, so the exact list of statuses shows whether the hidden request was answered on its own, and the backend's log
/// shows whether it was ever forwarded. Each probe asserts exactly what Kestrel does: its statuses, whether it closes the
/// connection, and never a 5xx.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SmugglingProbeTests(GatewayFixture fixture)
{
    private const string Download = "/public/logo.png";
    private const int Backend = 200;
    private const int Redirect = 302;
    private const int BadRequest = 400;

    private static readonly SmugglingProbe[] Probes =
    [
        new("CL and TE together, CL covering the hidden request (CL.TE)", [Backend], Closes: true, p =>
            Post(p, ["Content-Length: " + ("0\r\n\r\n" + p.HiddenRequest).Length, "Transfer-Encoding: chunked"], "0\r\n\r\n" + p.HiddenRequest)),
        new("TE and CL together, the hidden request inside a chunk (TE.CL)", [Backend], Closes: true, p =>
            Post(p, ["Transfer-Encoding: chunked", "Content-Length: 4"], $"{p.HiddenRequest.Length:x}\r\n{p.HiddenRequest}\r\n0\r\n\r\n")),
        new("CL and TE together on a download route", [Redirect], Closes: true, p =>
            Get(p, Download, ["Content-Length: 5", "Transfer-Encoding: chunked"], "0\r\n\r\n" + p.HiddenRequest)),
        new("two different Content-Length headers", [BadRequest], Closes: true, p =>
            Post(p, ["Content-Length: 5", "Content-Length: " + (5 + p.HiddenRequest.Length)], "hello" + p.HiddenRequest)),
        new("two equal Content-Length headers", [BadRequest], Closes: true, p =>
            Post(p, ["Content-Length: 5", "Content-Length: 5"], "hello" + p.HiddenRequest)),
        new("a Content-Length list", [BadRequest], Closes: true, p =>
            Post(p, [$"Content-Length: 5, {5 + p.HiddenRequest.Length}"], "hello" + p.HiddenRequest)),
        new("Transfer-Encoding: chunked, identity", [BadRequest], Closes: true, p =>
            Post(p, ["Transfer-Encoding: chunked, identity"], "0\r\n\r\n" + p.HiddenRequest)),
        new("Transfer-Encoding: xchunked", [BadRequest], Closes: true, p =>
            Post(p, ["Transfer-Encoding: xchunked"], "0\r\n\r\n" + p.HiddenRequest)),
        new("Transfer-Encoding : chunked, a space before the colon", [BadRequest], Closes: true, p =>
            Post(p, ["Transfer-Encoding : chunked", "Content-Length: 5"], "0\r\n\r\n" + p.HiddenRequest)),
        new("Transfer-Encoding folded onto a continuation line (obs-fold)", [BadRequest], Closes: true, p =>
            Post(p, ["Transfer-Encoding: identity", " chunked", "Content-Length: 5"], "0\r\n\r\n" + p.HiddenRequest)),
        new("another header folded onto a continuation line (obs-fold)", [BadRequest], Closes: true, p =>
            Get(p, Download, ["X-Note: one", "\ttwo"], "")),
        new("a bare CR inside a header line", [BadRequest], Closes: true, p =>
            Get(p, Download, ["X-Note: a\rContent-Length: " + p.HiddenRequest.Length], p.HiddenRequest)),
        // RFC 9112 2.2 lets a server take a bare LF as a line end; the gateway does not (GatewayApp), so a proxy in
        // front cannot read a bare LF differently and disagree with it about where a request ends.
        new("a bare LF ending every line", [BadRequest], Closes: true, p =>
            $"GET {Download} HTTP/1.1\nHost: {p.Host}\n\n"),
        new("a bare LF hiding Content-Length inside another header's line", [BadRequest], Closes: true, p =>
            Get(p, Download, ["X-Note: a\nContent-Length: " + p.HiddenRequest.Length], p.HiddenRequest)),
        // The body is read after the answer is chosen: the gateway (or YARP, which gets a read error and answers 400)
        // answers first, then Kestrel meets the bad chunk and drops the connection without announcing it.
        new("a chunk size that is not hex", [BadRequest], Closes: true, p =>
            Post(p, ["Transfer-Encoding: chunked"], "zz\r\nhello\r\n0\r\n\r\n" + p.HiddenRequest)) { Announced = false },
        new("a chunk size beyond 64 bits", [BadRequest], Closes: true, p =>
            Post(p, ["Transfer-Encoding: chunked"], "1FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n" + p.HiddenRequest)) { Announced = false },
        new("a negative chunk size", [BadRequest], Closes: true, p =>
            Post(p, ["Transfer-Encoding: chunked"], "-5\r\nhello\r\n0\r\n\r\n" + p.HiddenRequest)) { Announced = false },
        new("chunk data longer than its size", [BadRequest], Closes: true, p =>
            Post(p, ["Transfer-Encoding: chunked"], "5\r\nhello, and more\r\n0\r\n\r\n" + p.HiddenRequest)) { Announced = false },
        new("a bad chunk size on a download route", [Redirect], Closes: true, p =>
            Get(p, Download, ["Transfer-Encoding: chunked"], "zz\r\nhello\r\n0\r\n\r\n" + p.HiddenRequest)) { Announced = false },
        // Lenient: RFC 9110 allows digits only, but Kestrel reads "+N" as N. Alone it frames the body consistently;
        // behind a front proxy that reads it otherwise, it would be a desync.
        new("a Content-Length with a leading plus", [Redirect], Closes: false, p =>
            Get(p, Download, ["Content-Length: +" + p.HiddenRequest.Length], p.HiddenRequest)),
        new("a second request in the body of a GET to a download route", [Redirect], Closes: false, p =>
            Get(p, Download, ["Content-Length: " + p.HiddenRequest.Length], p.HiddenRequest)),
        new("a second request in the body of a GET to a proxied route", [Backend], Closes: false, p =>
            Get(p, p.Front, ["Content-Length: " + p.HiddenRequest.Length], p.HiddenRequest)),
        // The control: a request after a complete one is an ordinary pipelined request, answered and forwarded. It
        // shows that the probes above would see a hidden request that got through.
        new("control: a pipelined request after a complete one is answered", [Backend, Backend], Closes: false, p =>
            Post(p, ["Content-Length: 5"], "hello" + p.HiddenRequest), HiddenIsAnswered: true),
    ];

    public static TheoryData<string> Names() => [.. Probes.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Probe_AmbiguousFraming_HiddenRequestIsNeverAnsweredOnItsOwn(string name)
    {
        var probe = Probes.Single(p => p.Name == name);
        var id = Guid.NewGuid().ToString("N");
        var paths = new ProbePaths(fixture.Gateway.Address.Authority, $"/api/public/probe-{id}", $"/api/public/hidden-{id}", $"/api/public/canary-{id}");
        var canary = $"GET {paths.Canary} HTTP/1.1\r\nHost: {paths.Host}\r\nConnection: close\r\n\r\n";
        var request = probe.Request(paths);

        var exchange = await RawHttp.SendAsync(fixture.Gateway.Address, request + canary, request.Split(' ')[0]);

        int[] expected = probe.Closes ? probe.Statuses : [.. probe.Statuses, Backend];
        var context = $"{name}: got [{exchange.Statuses}]";
        Assert.True(expected.SequenceEqual(exchange.Responses.Select(r => r.Status)), $"{context}, expected [{string.Join(", ", expected)}]");
        Assert.True(exchange.Closed, $"{context}: the connection stayed open");
        Assert.True(exchange.Trailing.Length == 0, $"{context}: bytes after the last response");
        Assert.True(probe.Closes == (Forwarded(paths.Canary) == 0), $"{context}: canary forwarded {Forwarded(paths.Canary)} times");
        Assert.True(Forwarded(paths.Hidden) == (probe.HiddenIsAnswered ? 1 : 0), $"{context}: the hidden request reached the backend {Forwarded(paths.Hidden)} times");
        foreach (var response in exchange.Responses)
        {
            Assert.True(response.Status < 500, $"{context} (a 5xx)");
            SafeAnswer.CheckNoSecrets(context, response.Raw, []);
            if (response.Status == Redirect)
            {
                SafeAnswer.CheckSignedUrl(context, response.Header("Location"), new SignedTarget(StoreEndpoint.S3, "public/", "logo.png"), fixture.S3rver.Endpoint);
            }

            if (probe.Closes && response == exchange.Responses[^1])
            {
                Assert.True(probe.Announced == (response.Header("Connection") == "close"), $"{context}: Connection: {response.Header("Connection")}");
            }
        }
    }

    /// <summary>
    /// The one 5xx on bad input, and it is Kestrel's: an HTTP version it does not speak gets 505 (RFC 9110 15.6.6) from
    /// the parser, before any gateway code, with an empty body. Pinned so a change in Kestrel is noticed.
    /// </summary>
    [Theory]
    [InlineData("HTTP/1.2")]
    [InlineData("HTTP/2.0")]
    [InlineData("HTTP/0.9")]
    public async Task RequestLine_UnknownHttpVersion_Kestrel505AndClose(string version)
    {
        var exchange = await RawHttp.SendAsync(fixture.Gateway.Address, $"GET {Download} {version}\r\nHost: {fixture.Gateway.Address.Authority}\r\n\r\n");

        var response = Assert.Single(exchange.Responses);
        Assert.Equal(505, response.Status);
        Assert.Equal("0", response.Header("Content-Length"));
        Assert.Null(response.Header("Location"));
        Assert.True(exchange.Closed);
    }

    private int Forwarded(string path) => fixture.Backend.LogEntries.Count(entry => entry.RequestMessage.Path == path);

    private static string Post(ProbePaths p, string[] headers, string body) => Message("POST", p.Front, p, headers, body);

    private static string Get(ProbePaths p, string target, string[] headers, string body) => Message("GET", target, p, headers, body);

    private static string Message(string method, string target, ProbePaths p, string[] headers, string body) =>
        $"{method} {target} HTTP/1.1\r\nHost: {p.Host}\r\n" + string.Concat(headers.Select(header => header + "\r\n")) + "\r\n" + body;
}

/// <summary>One ambiguous request and what Kestrel does with it.</summary>
/// <param name="Name">How the probe names itself in the test output.</param>
/// <param name="Statuses">The exact statuses of the answers to the probe itself, in order.</param>
/// <param name="Closes">True when Kestrel closes the connection after them, so the canary is never read.</param>
/// <param name="Request">The probe's bytes, hiding a request to <see cref="ProbePaths.Hidden"/>.</param>
/// <param name="HiddenIsAnswered">Only for the control: the hidden request is a legitimate pipelined one.</param>
internal sealed record SmugglingProbe(string Name, int[] Statuses, bool Closes, Func<ProbePaths, string> Request, bool HiddenIsAnswered = false)
{
    /// <summary>When <see cref="Closes"/>: whether the last answer says <c>Connection: close</c> before the connection goes.</summary>
    public bool Announced { get; init; } = Closes;
}

/// <summary>The unique paths of one probe on the proxied backend route.</summary>
/// <param name="Host">The gateway's host and port.</param>
/// <param name="Front">The probe's own path.</param>
/// <param name="Hidden">The path of the hidden request.</param>
/// <param name="Canary">The path of the request sent after the probe.</param>
internal sealed record ProbePaths(string Host, string Front, string Hidden, string Canary)
{
    /// <summary>The hidden request, complete and well-formed: answered if it ever got through as a request.</summary>
    public string HiddenRequest => $"GET {Hidden} HTTP/1.1\r\nHost: {Host}\r\n\r\n";
}
