using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hosting;

/// <summary>The committed Kestrel limits are in force: oversized request lines, headers and header counts get a 4xx, never a 5xx.</summary>
[Collection(GatewayCollection.Name)]
public sealed class KestrelLimitsTests(GatewayFixture fixture)
{
    [Fact]
    public async Task TooManyHeaders_Answers431()
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/acme/limits.txt");
        for (var i = 0; i < 80; i++)
        {
            request.Headers.Add($"X-Extra-{i}", "x");
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task OversizedHeaders_Answer431()
    {
        using var client = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/acme/limits.txt");
        request.Headers.Add("X-Big", new string('a', 40_000));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task OversizedRequestLine_Answers414()
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Gateway.Address.Port);
        var stream = socket.GetStream();
        var line = $"GET /files/acme/{new string('a', 9000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);

        Assert.StartsWith("HTTP/1.1 414", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }
}
