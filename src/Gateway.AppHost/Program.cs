using System.Globalization;
using Gateway.AppHost;

// The whole demo as local processes (no container engine): s3rver seeded with both tenants' files, the test OpenID
// Provider, the gateway in Development, development tokens, and the Aspire dashboard receiving every audit span and log.
var builder = DistributedApplication.CreateBuilder(args);
var demo = DemoSettings.From(builder);

var tools = builder.AddTestTools(demo);
var store = builder.AddExecutable("store", "node", demo.ToolsDirectory,
        "node_modules/s3rver/bin/s3rver.js", "-d", demo.StoreDirectory, "-a", DemoSettings.Host, "-p", demo.StorePort.ToString(CultureInfo.InvariantCulture),
        "--configure-bucket", DemoFiles.Bucket, "--silent")
    .WithHttpEndpoint(port: demo.StorePort, isProxied: false)
    .WithHttpHealthCheck("/")
    .WaitForTools(tools);
builder.Eventing.Subscribe<ResourceReadyEvent>(store.Resource, (_, cancellationToken) => DemoFiles.SeedAsync(demo.StoreUrl, cancellationToken));

var identity = builder.AddExecutable("identity", "node", Path.Combine(demo.ToolsDirectory, "oidc"), "server.mjs")
    .WithEnvironment("OIDC_PORT", demo.IdentityPort.ToString(CultureInfo.InvariantCulture))
    .WithEnvironment("OIDC_ALLOW_LOOPBACK_REDIRECTS", "1")
    .WithHttpEndpoint(port: demo.IdentityPort, isProxied: false)
    .WithHttpHealthCheck("/.well-known/openid-configuration")
    .WaitForTools(tools);

// The built gateway, run directly: `dotnet run` would not pass the stop signal on, and the gateway would keep its
// port for half a minute after Ctrl-C.
var gateway = builder.AddGateway("gateway", demo)
    .WithOtlpExporter()
    .WithEnvironment("Urls", demo.GatewayUrl)
    .WithHttpEndpoint(port: demo.GatewayPort, isProxied: false)
    .WithHttpHealthCheck("/health/ready")
    .WithUrls(context =>
    {
        context.Urls.Add(new() { Url = demo.GatewayUrl + "/files/acme/reports/q3.txt", DisplayText = "acme's report (sign in as alice)" });
        context.Urls.Add(new() { Url = demo.GatewayUrl + "/files/globex/reports/q3.txt", DisplayText = "globex's report (sign in as bob)" });
    })
    .WaitFor(store)
    .WaitFor(identity);

builder.AddDevelopmentTokens(demo, gateway);

builder.Build().Run();
