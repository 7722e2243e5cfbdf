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

    /// <summary>The verb as help shows it.</summary>
    public static readonly CliCommand Command = new(
        Verb,
        "print the least-privilege policy for each store's temporary keys",
        "Prints, for every configured store or only STORE, the policy the gateway sends to STS for temporary keys:\n" +
        "read-only on the store's bucket, under the key prefixes its download routes can reach. Attach it to a\n" +
        "permanent key's user to scope that key to downloads. Exit code 0, or 2 when the configuration is invalid or\n" +
        "there is no such store.",
        "[STORE]",
        $"{CommandLine.Program} --environment Development policy demo-s3",
        (args, output, error, environmentName) => Run(args, output, error, environmentName));

    /// <summary>
    /// Returns 0, or 2 when the configuration is invalid or the store is unknown.
    /// The configuration is that of <paramref name="environmentName"/>, by default the one the environment variables name.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string? environmentName = null)
    {
        if (args.Length > 1 || args is [var option] && option.StartsWith('-'))
        {
            Command.WriteUsage(error);
            return 2;
        }

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
            error.WriteLine(args is [var name]
                ? $"There is no store named '{name}'. The stores are: {string.Join(", ", options.Stores.Keys.Order(StringComparer.Ordinal))}."
                : "No store is configured under Gateway:Stores.");
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
