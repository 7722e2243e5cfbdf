using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Hardening;

/// <summary>
/// HTTP/1.1 over a plain TCP socket, so a test sends exactly the bytes it means (no client normalises the path,
/// fixes line endings or refuses a header) and sees every response the server wrote on the connection, in order.
/// </summary>
internal static class RawHttp
{
    /// <summary>How long to wait for the server to answer and close; generous, because the machine is shared.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Writes <paramref name="request"/> on a new connection and reads until the server closes it (or <see cref="Timeout"/>
    /// passes), then splits what came back into responses. <paramref name="methods"/> are the methods of the requests
    /// in order, so that a response to HEAD is read without a body.
    /// </summary>
    public static async Task<RawExchange> SendAsync(Uri server, string request, params string[] methods)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = client.GetStream();
        var bytes = Encoding.Latin1.GetBytes(request);

        // Read while writing: a server may answer and close before a large request is written in full.
        var reading = ReadToEndAsync(stream);
        try
        {
            await stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
            // The server closed the connection early (431, 414); its answer is still read below.
        }

        var (received, closed) = await reading;
        return Parse(Encoding.Latin1.GetString(received), closed, methods);
    }

    private static async Task<(byte[] Received, bool Closed)> ReadToEndAsync(NetworkStream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(chunk, timeout.Token);
                if (read == 0)
                {
                    return (buffer.ToArray(), true);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            return (buffer.ToArray(), false);
        }
        catch (IOException)
        {
            // A reset after the server's last write: the connection is closed all the same.
            return (buffer.ToArray(), true);
        }
    }

    /// <summary>Splits the bytes a server wrote into HTTP/1.1 responses, by their own framing.</summary>
    public static RawExchange Parse(string text, bool closed, IReadOnlyList<string> methods)
    {
        var responses = new List<RawResponse>();
        var at = 0;
        while (at < text.Length)
        {
            var headEnd = text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
            if (headEnd < 0)
            {
                break;
            }

            var lines = text[at..headEnd].Split("\r\n");
            var statusLine = lines[0];
            var parts = statusLine.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                break;
            }

            var headers = lines.Skip(1)
                .Select(line => line.Split(':', 2))
                .Select(pair => new KeyValuePair<string, string>(pair[0], pair.Length > 1 ? pair[1].Trim() : ""))
                .ToList();
            var method = responses.Count < methods.Count ? methods[responses.Count] : "GET";
            var bodyStart = headEnd + 4;
            var (body, next) = ReadBody(text, bodyStart, status, method, headers);
            responses.Add(new RawResponse(status, statusLine, headers, body, text[at..next]));
            at = next;
        }

        return new RawExchange(responses, closed, text, text[at..]);
    }

    private static (string Body, int Next) ReadBody(string text, int start, int status, string method, List<KeyValuePair<string, string>> headers)
    {
        if (method == "HEAD" || status is (>= 100 and < 200) or 204 or 304)
        {
            return ("", start);
        }

        if (Header(headers, "Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var body = new StringBuilder();
            var at = start;
            while (true)
            {
                var lineEnd = text.IndexOf("\r\n", at, StringComparison.Ordinal);
                if (lineEnd < 0)
                {
                    return (body.ToString(), text.Length);
                }

                var size = int.Parse(text.AsSpan(at, lineEnd - at).TrimEnd().ToString().Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                at = lineEnd + 2;
                if (size == 0)
                {
                    var end = text.IndexOf("\r\n", at, StringComparison.Ordinal);
                    return (body.ToString(), end < 0 ? text.Length : end + 2);
                }

                var length = Math.Min(size, text.Length - at);
                body.Append(text, at, length);
                at = Math.Min(text.Length, at + size + 2);
            }
        }

        if (Header(headers, "Content-Length") is { } contentLength)
        {
            var length = (int)Math.Min(long.Parse(contentLength, CultureInfo.InvariantCulture), text.Length - start);
            return (text.Substring(start, length), start + length);
        }

        // No framing: the body runs to the end of the connection.
        return (text[start..], text.Length);
    }

    internal static string? Header(IEnumerable<KeyValuePair<string, string>> headers, string name)
    {
        var values = headers.Where(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Select(header => header.Value).ToList();
        return values.Count == 0 ? null : string.Join(", ", values);
    }
}

/// <summary>Everything one connection gave back: the responses in order, whether the server closed it, the raw text.</summary>
/// <param name="Responses">The complete responses, in the order they were written.</param>
/// <param name="Closed">True when the server closed the connection (or reset it) before the timeout.</param>
/// <param name="Text">Every byte the server wrote, as Latin-1 text.</param>
/// <param name="Trailing">Bytes after the last complete response (normally none).</param>
internal sealed record RawExchange(IReadOnlyList<RawResponse> Responses, bool Closed, string Text, string Trailing)
{
    /// <summary>The statuses in order, for messages and exact comparisons.</summary>
    public string Statuses => string.Join(", ", Responses.Select(response => response.Status));
}

/// <summary>One response as the server wrote it.</summary>
/// <param name="Status">The status code.</param>
/// <param name="StatusLine">The status line.</param>
/// <param name="Headers">The header fields in order; repeated names are kept.</param>
/// <param name="Body">The body, de-chunked.</param>
/// <param name="Raw">The whole response as written: status line, headers and body.</param>
internal sealed record RawResponse(int Status, string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body, string Raw)
{
    public string? Header(string name) => RawHttp.Header(Headers, name);
}
