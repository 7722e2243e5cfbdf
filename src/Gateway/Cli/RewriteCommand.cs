using System.Text;
using Gateway.Routing;
using Gateway.Stores;
using Microsoft.Extensions.Options;

namespace Gateway.Cli;

/// <summary>
/// <c>rewrite --base URL [--check] [FILE...]</c>: replaces the direct store URLs in text with the gateway's friendly
/// URLs (see <see cref="StoreLinkRewriter"/>), reading the files in order (or standard input) and writing the result to
/// standard output. With <c>--check</c> it writes nothing but the URLs it could not map, and why.
/// </summary>
internal static class RewriteCommand
{
    /// <summary>The command-line verb.</summary>
    public const string Verb = "rewrite";

    /// <summary>The verb as help shows it.</summary>
    public static readonly CliCommand Command = new(
        Verb,
        "replace direct store URLs in text with the gateway's friendly URLs",
        "Reads the files in order (or standard input, also as -) and writes them to standard output with every direct\n" +
        "COS or S3 URL (virtual-hosted or path-style, signed or not) whose key a configured route reaches replaced by that\n" +
        "route's URL under --base; old signature parameters are dropped and only the download options the gateway\n" +
        "supports are kept. Everything else is written byte for byte. With --check nothing is written but the store URLs\n" +
        "that cannot be mapped, and why. Exit code 0 when done (with --check: every store URL maps), 1 when --check found\n" +
        "URLs it cannot map, 2 on bad arguments, an unreadable file or invalid configuration.",
        "--base URL [--check] [FILE|-]...",
        $"{CommandLine.Program} --environment Development rewrite --base https://gateway.example.com links.html",
        (args, output, error, environmentName) => Run(args, output, error, environmentName));

    private const string Usage = "usage: rewrite --base https://gateway.example.com [--check] [FILE|-]...";

    /// <summary>Runs on the process's standard input and output.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string? environmentName = null)
    {
        output.Flush();
        using var input = Console.OpenStandardInput();
        using var stdout = Console.OpenStandardOutput();
        return Run(args, input, stdout, output, error, environmentName);
    }

    /// <summary>
    /// Returns 0 when done (with <c>--check</c>: when every store URL maps), 1 when <c>--check</c> found URLs it cannot
    /// map, 2 on bad arguments, an unreadable file or invalid configuration.
    /// </summary>
    public static int Run(string[] args, Stream input, Stream rewritten, TextWriter report, TextWriter error, string? environmentName = null)
    {
        Uri? gatewayBase = null;
        var check = false;
        var files = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--base" when i + 1 < args.Length && Uri.TryCreate(args[i + 1], UriKind.Absolute, out var parsed)
                    && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp) && parsed.Query.Length == 0 && parsed.Fragment.Length == 0 && parsed.UserInfo.Length == 0:
                    gatewayBase = parsed;
                    i++;
                    break;
                case "--check":
                    check = true;
                    break;
                case var file when !file.StartsWith("--", StringComparison.Ordinal):
                    files.Add(file);
                    break;
                default:
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        if (gatewayBase is null)
        {
            error.WriteLine(Usage);
            error.WriteLine("--base is the gateway's public address, an http or https URL without query (a path is kept as a prefix).");
            return 2;
        }

        using var app = CliApp.TryBuild(error, environmentName ?? CliConfiguration.EnvironmentName());
        if (app is null)
        {
            return 2;
        }

        var stores = app.Services.GetRequiredService<IOptions<StoresOptions>>().Value.Stores
            .Select(pair => (pair.Key, pair.Value.Provider!.Value, StoreRegistry.AddressOf(pair.Value)));
        // The route with the most fixed key text reaches the fewest keys: it is the one the link was most likely made for.
        var routes = app.Services.GetRequiredService<LiveDownloadRoutes>().WithPatterns
            .OrderByDescending(r => r.Route.KeyTemplate.LiteralLength)
            .ThenBy(r => r.Route.RouteId, StringComparer.Ordinal);
        var rewriter = new StoreLinkRewriter(stores, routes, gatewayBase);

        var unmappedCount = 0;
        foreach (var file in files.Count == 0 ? ["-"] : files)
        {
            byte[] bytes;
            try
            {
                bytes = file == "-" ? ReadAll(input) : File.ReadAllBytes(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{file}: cannot be read ({ex.GetType().Name}).");
                return 2;
            }

            // Latin-1 maps each byte to one character and back, so whatever is not a rewritten URL stays byte for byte.
            var unmapped = new List<UnmappedLink>();
            var text = rewriter.Rewrite(Encoding.Latin1.GetString(bytes), unmapped);
            unmappedCount += unmapped.Count;
            if (check)
            {
                foreach (var link in unmapped)
                {
                    report.WriteLine($"{(file == "-" ? "<stdin>" : file)}:{link.Line}: {Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(link.Url))}: {link.Reason}");
                }
            }
            else
            {
                rewritten.Write(Encoding.Latin1.GetBytes(text));
            }
        }

        rewritten.Flush();
        report.Flush();
        if (unmappedCount > 0 && !check)
        {
            error.WriteLine($"{unmappedCount} store URL(s) left as they were; run with --check to list them.");
        }

        return check && unmappedCount > 0 ? 1 : 0;
    }

    private static byte[] ReadAll(Stream input)
    {
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        return buffer.ToArray();
    }
}
