using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// One set of real processes for the whole test collection: s3rver as the store, a WireMock backend for
/// ordinary proxy routes, and the gateway on Kestrel configured to use both.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string BackendBody = "backend says hello";

    private S3rverProcess? _s3rver;
    private GatewayHost? _gateway;

    internal S3rverProcess S3rver => _s3rver ?? throw new InvalidOperationException("Not started.");

    internal GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    internal WireMockServer Backend { get; } = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    /// <summary>Receives everything the shared gateway exports over OTLP during the whole suite, for the secrecy scan.</summary>
    internal WireMockServer Collector { get; } = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public async Task InitializeAsync()
    {
        Backend.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(BackendBody));
        Collector.Given(Request.Create().WithPath("/v1/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

        _s3rver = await S3rverProcess.StartAsync();
        var overrides = Overrides(_s3rver.Endpoint, new Uri(Backend.Url!));
        overrides["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Url;
        overrides["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        overrides["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        overrides["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
        overrides[$"Gateway:Stores:demo-s3:Credentials:SecretKey"] = SecretScan.S3Secret;
        _gateway = await GatewayHost.StartAsync(overrides);
    }

    /// <summary>The committed configuration pointed at this fixture's s3rver and backend.</summary>
    internal static Dictionary<string, string?> Overrides(Uri s3rver, Uri backend) => new()
    {
        ["Gateway:Stores:demo-s3:Endpoint"] = s3rver.ToString(),
        ["ReverseProxy:Clusters:demo-s3:Destinations:s3rver:Address"] = s3rver.ToString(),
        ["ReverseProxy:Clusters:backend:Destinations:wiremock:Address"] = backend.ToString(),
        ["ReverseProxy:Routes:public-api:ClusterId"] = "backend",
        ["ReverseProxy:Routes:public-api:AuthorizationPolicy"] = "anonymous",
        ["ReverseProxy:Routes:public-api:Match:Path"] = "/api/public/{**rest}",
        ["ReverseProxy:Routes:private-api:ClusterId"] = "backend",
        ["ReverseProxy:Routes:private-api:Match:Path"] = "/api/private/{**rest}",

        // The whole suite calls from one address as a handful of subjects; rate limits have their own tests.
        ["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = "1000000",
        ["Gateway:RateLimits:Policies:signing:PerSubject:Burst"] = "1000000",
        ["Gateway:RateLimits:Policies:signing:PerClientIp:Permits"] = "1000000",
        ["Gateway:RateLimits:Policies:signing:PerClientIp:Burst"] = "1000000",
    };

    /// <summary>Adds a download route on the demo S3 store to <paramref name="overrides"/>.</summary>
    internal static void AddDownloadRoute(Dictionary<string, string?> overrides, string id, string path, string key = "tenants/{tenant}/{path}")
    {
        overrides[$"ReverseProxy:Routes:{id}:ClusterId"] = "demo-s3";
        overrides[$"ReverseProxy:Routes:{id}:Match:Path"] = path;
        overrides[$"ReverseProxy:Routes:{id}:Metadata:Download.Store"] = "demo-s3";
        overrides[$"ReverseProxy:Routes:{id}:Metadata:Download.Key"] = key;
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            // Stopping flushes the exporters; then everything the suite exported is scanned once more.
            await _gateway.DisposeAsync();
            SecretScan.AssertClean(SecretScan.Exported(Collector));
        }

        Collector.Stop();
        Collector.Dispose();

        if (_s3rver is not null)
        {
            await _s3rver.DisposeAsync();
        }

        Backend.Stop();
        Backend.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
