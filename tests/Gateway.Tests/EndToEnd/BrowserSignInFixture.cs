using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.EndToEnd;

/// <summary>The real parts a person's download goes through: s3rver as the store, oidc-provider, and the gateway signing in with it.</summary>
public sealed class BrowserSignInFixture : IAsyncLifetime
{
    // Readable text: Chromium would sniff control bytes in text/plain as binary and download instead of showing it.
    public static readonly byte[] Report = "Q3 report for acme: ünïcödé, 中文, 😀."u8.ToArray();

    private S3rverProcess? _s3rver;
    private OidcProviderProcess? _provider;
    private GatewayHost? _gateway;

    internal S3rverProcess S3rver => _s3rver!;

    internal OidcProviderProcess Provider => _provider!;

    internal GatewayHost Gateway => _gateway!;

    public async Task InitializeAsync()
    {
        _s3rver = await S3rverProcess.StartAsync();
        await _s3rver.PutAsync("tenants/acme/reports/q3.txt", Report, "text/plain; charset=utf-8");
        _provider = await OidcProviderProcess.StartAsync();
        _gateway = await StartGatewayAsync();
    }

    /// <summary>A gateway that signs browsers in with this fixture's provider and signs URLs for its s3rver, with optional <paramref name="extra"/> settings.</summary>
    internal Task<GatewayHost> StartGatewayAsync(TimeSpan? sessionLifetime = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Gateway:Stores:demo-s3:Endpoint"] = S3rver.Endpoint.ToString(),
            ["ReverseProxy:Clusters:demo-s3:Destinations:s3rver:Address"] = S3rver.Endpoint.ToString(),
            ["Authentication:Oidc:Authority"] = Provider.Issuer.ToString(),
            ["Authentication:Oidc:RequireHttpsMetadata"] = "false",
            ["Authentication:Oidc:ClientId"] = Provider.ClientId,
        };
        if (sessionLifetime is { } lifetime)
        {
            overrides["Authentication:Oidc:Session:Lifetime"] = lifetime.ToString();
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        return GatewayHost.StartAsync(overrides);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_s3rver is not null)
        {
            await _s3rver.DisposeAsync();
        }
    }
}
