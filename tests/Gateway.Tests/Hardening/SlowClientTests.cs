using System.Diagnostics;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hardening;

/// <summary>
/// The committed timeouts bind: a client that never finishes its headers (slowloris) is answered 408 and cut off,
/// and an idle kept-alive connection is closed. A gateway with short timeouts shows it in seconds; the committed
/// values (10 s and 1 minute) are the same settings.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SlowClientTests(GatewayFixture fixture) : IAsyncLifetime
{
    private GatewayHost? _gateway;

    public async Task InitializeAsync()
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:01";
        overrides["Kestrel:Limits:KeepAliveTimeout"] = "00:00:02";
        _gateway = await GatewayHost.StartAsync(overrides);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task HeadersNeverFinished_Answers408AndCloses()
    {
        var clock = Stopwatch.StartNew();

        var exchange = await RawHttp.SendAsync(_gateway!.Address, "GET /public/logo.png HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", "GET");

        Assert.True(exchange.Closed, "The connection should be closed.");
        Assert.Equal(408, Assert.Single(exchange.Responses).Status);
        Assert.True(clock.Elapsed < RawHttp.Timeout, $"The slow client was held for {clock.Elapsed}.");
    }

    [Fact]
    public async Task IdleKeptAliveConnection_IsClosed()
    {
        var clock = Stopwatch.StartNew();

        var exchange = await RawHttp.SendAsync(_gateway!.Address, "GET /public/logo.png HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "GET");

        Assert.True(exchange.Closed, "The idle connection should be closed.");
        Assert.Equal(302, Assert.Single(exchange.Responses).Status);
        Assert.True(clock.Elapsed < RawHttp.Timeout, $"The idle connection was kept for {clock.Elapsed}.");
    }
}
