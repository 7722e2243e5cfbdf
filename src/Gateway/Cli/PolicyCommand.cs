using Gateway.Configuration;
using Gateway.Routing;
using Gateway.Stores;
using Microsoft.Extensions.Options;

namespace Gateway.Cli;

/// <summary><c>policy [STORE]</c>: prints the least-privilege policy each store's temporary keys are requested with.</summary>
internal static class PolicyCommand
{
    /// <summary>The command-line verb.</summary>
    public const string Verb = "policy";

    /// <summary>
    /// Returns 0, or 2 when the configuration is invalid or the store is unknown.
    /// The configuration is that of <paramref name="environmentName"/>, by default the one the environment variables name.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string? environmentName = null)
    {
        using var app = CliApp.TryBuild(error, environmentName ?? CliConfiguration.EnvironmentName());
        if (app is null)
        {
            return 2;
        }

        var options = app.Services.GetRequiredService<IOptions<StoresOptions>>().Value;
        var routes = app.Services.GetRequiredService<LiveDownloadRoutes>().All.ToList();
        var stores = args is [var only] ? options.Stores.Where(pair => pair.Key == only).ToList() : [.. options.Stores];
        if (stores.Count == 0)
        {
            error.WriteLine("usage: policy [STORE] — no such store.");
            return 2;
        }

        foreach (var (name, store) in stores.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"# {name} ({KebabCaseNames.Of(store.Provider!.Value)}, bucket {store.Bucket})");
            output.WriteLine(LeastPrivilegePolicy.For(store, LeastPrivilegePolicy.Prefixes(name, routes), indented: true, LeastPrivilegePolicy.ListingPrefixes(name, routes)));
        }

        return 0;
    }
}
