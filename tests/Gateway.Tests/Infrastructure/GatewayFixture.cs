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

    public async Task InitializeAsync()
    {
        Backend.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(BackendBody));

        _s3rver = await S3rverProcess.StartAsync();
        _gateway = await GatewayHost.StartAsync(Overrides(_s3rver.Endpoint, new Uri(Backend.Url!)));
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
    };

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

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
