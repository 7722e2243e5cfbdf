using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Gateway.AppHost;

/// <summary>
/// Where the demo's processes listen and keep their files: the <c>Demo</c> section, whose defaults are the addresses the
/// committed configuration (<c>config/</c>) already names, so the gateway needs no other settings.
/// </summary>
internal sealed record DemoSettings
{
    /// <summary>Every process listens on loopback only.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>The gateway's port (<c>Urls</c> in <c>config/gateway.json</c>).</summary>
    public int GatewayPort { get; init; } = 8080;

    /// <summary>s3rver's port (the <c>demo-s3</c> store's endpoint).</summary>
    public int StorePort { get; init; } = 4568;

    /// <summary>The OpenID Provider's port (<c>Authentication:Oidc:Authority</c>).</summary>
    public int IdentityPort { get; init; } = 4000;

    /// <summary>The repository: the gateway's <c>config/</c> and the test tools are found from here.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>s3rver's data folder; by default under <c>artifacts/</c>, which git ignores.</summary>
    public required string StoreDirectory { get; init; }

    public string ToolsDirectory => Path.Combine(RepositoryRoot, "tests", "tools");

    public string ConfigurationDirectory => Path.Combine(RepositoryRoot, "config");

    /// <summary>The gateway as the project reference builds it, in this AppHost's build configuration.</summary>
    public string GatewayAssembly => Path.Combine(RepositoryRoot, "src", "Gateway", "bin", BuildConfiguration, "net10.0", "Gateway.dll");

    public string GatewayUrl => Url(GatewayPort);

    public string StoreUrl => Url(StorePort);

    public string IdentityUrl => Url(IdentityPort);

    private static string BuildConfiguration =>
        typeof(DemoSettings).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static DemoSettings From(IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Demo");
        var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
        var settings = new DemoSettings
        {
            RepositoryRoot = root,
            StoreDirectory = section["StoreDirectory"] is { Length: > 0 } directory
                ? Path.GetFullPath(directory)
                : Path.Combine(root, "artifacts", "demo-store"),
        };
        return settings with
        {
            GatewayPort = Port(section, nameof(GatewayPort), settings.GatewayPort),
            StorePort = Port(section, nameof(StorePort), settings.StorePort),
            IdentityPort = Port(section, nameof(IdentityPort), settings.IdentityPort),
        };
    }

    private static int Port(IConfigurationSection section, string name, int fallback)
    {
        if (section[name] is not { Length: > 0 } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"Demo:{name} must be a TCP port (1-65535).");
    }

    private static string Url(int port) => $"http://{Host}:{port.ToString(CultureInfo.InvariantCulture)}";
}
