using Gateway.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Tests.Infrastructure;

/// <summary>The real gateway on Kestrel at 127.0.0.1, built from the committed configuration plus per-test overrides.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The environment the tests run in: the committed base files plus the test keys of <c>gateway.Test.json</c>.</summary>
    public const string TestEnvironment = "Test";

    /// <summary>
    /// Starts the gateway in <paramref name="environment"/>. The default, <see cref="TestEnvironment"/>, behaves as
    /// Production does (only Development changes the framework's behaviour) with keys of its own.
    /// </summary>
    public static async Task<GatewayHost> StartAsync(
        IReadOnlyDictionary<string, string?> overrides, Action<IServiceCollection>? services = null, string environment = TestEnvironment)
    {
        var app = GatewayApp.Create(["--urls", "http://127.0.0.1:0", "--environment", environment], builder =>
        {
            builder.Configuration.AddInMemoryCollection(overrides);
            builder.Logging.ClearProviders();
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        // The gateway's own URL comes first; a Prometheus scrape URL, when configured, is added after it.
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(app, new Uri(address));
    }

    /// <summary>A client that does not follow redirects, optionally with a bearer token.</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
