using Gateway.Configuration;
using Gateway.Routing;
using Gateway.Stores;

namespace Gateway.Cli;

/// <summary><c>policy [STORE]</c>: prints the least-privilege policy each store's temporary keys are requested with.</summary>
internal static class PolicyCommand
{
    /// <summary>The command-line verb.</summary>
    public const string Verb = "policy";

    /// <summary>
    /// Returns 0, or 2 when the configuration cannot be read or the store is unknown.
    /// The configuration is that of <paramref name="environmentName"/>, by default the one the environment variables name.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string? environmentName = null)
    {
        GatewayOptions options;
        List<DownloadRoute> routes;
        try
        {
            var configuration = CliConfiguration.Load(environmentName ?? CliConfiguration.EnvironmentName());
            options = configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
            routes = [.. ProxyRouteSettings.Read(configuration).Select(route => DownloadRouteCompiler.Compile(route, options)).OfType<DownloadRoute>()];
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            error.WriteLine($"The configuration cannot be read: {ex.Message}");
            return 2;
        }

        var stores = args is [var only] ? options.Stores.Where(pair => pair.Key == only).ToList() : [.. options.Stores];
        if (stores.Count == 0)
        {
            error.WriteLine("usage: policy [STORE] — no such store.");
            return 2;
        }

        foreach (var (name, store) in stores.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"# {name} ({store.Provider}, bucket {store.Bucket})");
            output.WriteLine(LeastPrivilegePolicy.For(store, LeastPrivilegePolicy.Prefixes(name, routes), indented: true));
        }

        return 0;
    }
}
