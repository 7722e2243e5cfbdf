using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.AppHost;

/// <summary>The demo's resources beside the Node.js servers: the npm install they need, the gateway and the development tokens.</summary>
internal static partial class DemoResources
{
    /// <summary>A user of each tenant, as in the test OpenID Provider and the rules.</summary>
    public static readonly IReadOnlyList<(string User, string Tenant)> Users = [("alice", "acme"), ("bob", "globex")];

    /// <summary>
    /// <c>npm ci</c> in <c>tests/tools</c> when an installed package is missing or not at its pinned version; null when
    /// everything is in place.
    /// </summary>
    public static IResourceBuilder<ExecutableResource>? AddTestTools(this IDistributedApplicationBuilder builder, DemoSettings demo) =>
        ToolsInstalled(demo.ToolsDirectory)
            ? null
            : builder.AddExecutable("npm-ci", "npm", demo.ToolsDirectory, "ci", "--no-audit", "--no-fund");

    /// <summary>Starts <paramref name="resource"/> after <c>npm ci</c> has succeeded, when it runs.</summary>
    public static IResourceBuilder<T> WaitForTools<T>(this IResourceBuilder<T> resource, IResourceBuilder<ExecutableResource>? tools)
        where T : IResourceWithWaitSupport =>
        tools is null ? resource : resource.WaitForCompletion(tools);

    /// <summary>
    /// The gateway built with this AppHost (its project reference), in its Development environment with the committed
    /// configuration, pointed at the demo's processes.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddGateway(this IDistributedApplicationBuilder builder, string name, DemoSettings demo) =>
        builder.AddExecutable(name, "dotnet", demo.RepositoryRoot, demo.GatewayAssembly)
            .WithEnvironment("DOTNET_ENVIRONMENT", "Development")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithEnvironment("GATEWAY_CONFIG_DIR", demo.ConfigurationDirectory)
            .WithEnvironment("Gateway__Stores__demo-s3__Endpoint", demo.StoreUrl)
            .WithEnvironment("ReverseProxy__Clusters__demo-s3__Destinations__s3rver__Address", demo.StoreUrl + "/")
            .WithEnvironment("Authentication__Oidc__Authority", demo.IdentityUrl);

    /// <summary>
    /// One run of the gateway's <c>token</c> verb per demo user, once the gateway is up; each token is shown in its
    /// resource's console in the dashboard and repeated in the AppHost's own output.
    /// </summary>
    public static void AddDevelopmentTokens(this IDistributedApplicationBuilder builder, DemoSettings demo, IResourceBuilder<ExecutableResource> gateway)
    {
        var tokens = new List<(string User, string Tenant, IResource Resource)>();
        foreach (var (user, tenant) in Users)
        {
            var token = builder.AddGateway($"token-{tenant}", demo)
                .WithArgs("token", "--sub", user, "--claim", $"tenant={tenant}", "--claim", "scope=storage:read", "--lifetime", "08:00:00")
                .WaitFor(gateway);
            tokens.Add((user, tenant, token.Resource));
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((e, cancellationToken) =>
        {
            var logs = e.Services.GetRequiredService<ResourceLoggerService>();
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.AppHost.Demo");
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            Log.Started(logger, demo.GatewayUrl, demo.IdentityUrl, demo.StoreUrl);
            foreach (var (user, tenant, resource) in tokens)
            {
                _ = RepeatTokenAsync(logs, logger, resource, user, tenant, demo.GatewayUrl, stopping);
            }

            return Task.CompletedTask;
        });
    }

    private static async Task RepeatTokenAsync(
        ResourceLoggerService logs, ILogger logger, IResource resource, string user, string tenant, string gatewayUrl, CancellationToken stopping)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(stopping))
            {
                foreach (var line in batch)
                {
                    if (Jwt().Match(line.Content) is { Success: true } token)
                    {
                        Log.Token(logger, user, tenant, token.Value, gatewayUrl);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool ToolsInstalled(string toolsDirectory)
    {
        try
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(toolsDirectory, "package.json")));
            foreach (var dependency in manifest.RootElement.GetProperty("dependencies").EnumerateObject())
            {
                var installed = Path.Combine(toolsDirectory, "node_modules", dependency.Name, "package.json");
                if (!File.Exists(installed))
                {
                    return false;
                }

                using var package = JsonDocument.Parse(File.ReadAllText(installed));
                if (package.RootElement.GetProperty("version").GetString() != dependency.Value.GetString())
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")]
    private static partial Regex Jwt();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information,
            "Demo: the gateway is {GatewayUrl}, the OpenID Provider {IdentityUrl} (sign in as alice of acme or bob of globex, any password), s3rver {StoreUrl}. Every decision shows in the dashboard as a gateway.download span and a log record.")]
        public static partial void Started(ILogger logger, string gatewayUrl, string identityUrl, string storeUrl);

        [LoggerMessage(2, LogLevel.Information,
            "Demo: a development token for {User} of tenant {Tenant}: curl -i -H \"Authorization: Bearer {Token}\" {GatewayUrl}/files/{Tenant}/reports/q3.txt")]
        public static partial void Token(ILogger logger, string user, string tenant, string token, string gatewayUrl);
    }
}
