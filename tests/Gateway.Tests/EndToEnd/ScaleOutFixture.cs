using Gateway.Tests.Infrastructure;
using Gateway.TestSupport;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Three published gateways as real processes sharing one real redis-server, behind a real nginx that balances
/// round-robin, with s3rver as the store and oidc-provider for browser sign-in. Started once for the scale-out tests.
/// </summary>
public sealed class ScaleOutFixture : IAsyncLifetime
{
    /// <summary>The signing limit per subject of every instance: together they must allow this, not three times it.</summary>
    public const int PermitsPerSecond = 20;

    public const int Instances = 3;

    private RedisServerProcess? _redis;
    private S3rverProcess? _s3rver;
    private OidcProviderProcess? _provider;
    private GatewayProcess[] _gateways = [];
    private NginxProcess? _nginx;

    internal RedisServerProcess Redis => _redis ?? throw new InvalidOperationException("Not started.");

    internal S3rverProcess S3rver => _s3rver ?? throw new InvalidOperationException("Not started.");

    internal OidcProviderProcess Provider => _provider ?? throw new InvalidOperationException("Not started.");

    internal IReadOnlyList<GatewayProcess> Gateways => _gateways;

    internal NginxProcess Nginx => _nginx ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var redis = RedisServerProcess.StartAsync();
        var s3rver = S3rverProcess.StartAsync();
        var provider = OidcProviderProcess.StartAsync();
        _redis = await redis;
        _s3rver = await s3rver;
        _provider = await provider;
        await _s3rver.PutAsync("tenants/acme/reports/q3.txt", BrowserSignInFixture.Report, "text/plain; charset=utf-8");

        var nowhere = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var overrides = GatewayFixture.Overrides(_s3rver.Endpoint, nowhere);
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = $"{PermitsPerSecond}";
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Period"] = "00:00:01";
        overrides["Gateway:RateLimits:Policies:signing:PerSubject:Burst"] = $"{PermitsPerSecond}";
        overrides["Gateway:Redis:Configuration"] = _redis.Configuration;
        overrides["Gateway:Redis:ExpectedInstances"] = $"{Instances}";
        overrides["Gateway:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        overrides["Authentication:Oidc:Authority"] = _provider.Issuer.ToString();
        overrides["Authentication:Oidc:RequireHttpsMetadata"] = "false";
        overrides["Authentication:Oidc:ClientId"] = _provider.ClientId;

        var started = await Task.WhenAll(Enumerable.Range(0, Instances).Select(_ => GatewayProcess.StartAsync(overrides)));
        _gateways = started;
        _nginx = await NginxProcess.StartAsync(_gateways.Select(gateway => gateway.Port));

        // The first signing on each instance loads the limit script into Redis and warms the code paths up.
        foreach (var gateway in _gateways)
        {
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.Address };
            client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For("warm-up", "acme"));
            using var response = await client.GetAsync("/files/acme/warm-up.txt");
        }
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_s3rver is not null)
        {
            await _s3rver.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
