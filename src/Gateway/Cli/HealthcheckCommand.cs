using System.Globalization;

namespace Gateway.Cli;

/// <summary>
/// <c>healthcheck [--url URL] [--timeout SECONDS]</c>: asks a running gateway's <c>/health/live</c>, for container
/// health checks in images without curl.
/// </summary>
internal static class HealthcheckCommand
{
    /// <summary>The command-line verb.</summary>
    public const string Verb = "healthcheck";

    private const string LivePath = "/health/live";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The verb as help shows it.</summary>
    public static readonly CliCommand Command = new(
        Verb,
        "check that a running gateway answers /health/live (exit code 0 or 1)",
        "Sends GET /health/live to the gateway at --url, else at the first address the server is configured to listen\n" +
        "on (ASPNETCORE_URLS, DOTNET_URLS, then Urls in the configuration files; a wildcard host such as + or 0.0.0.0 is\n" +
        "asked on 127.0.0.1). Exit code 0 when it answers 200 within --timeout seconds (3 by default), 1 otherwise,\n" +
        "2 on bad arguments. The Dockerfile's HEALTHCHECK runs it.",
        "[--url URL] [--timeout SECONDS]",
        $"{CommandLine.Program} healthcheck --url http://127.0.0.1:8080",
        (args, output, error, environmentName) => Run(args, output, error, environmentName));

    /// <summary>Returns 0 when the gateway is live, 1 when it is not, 2 on bad arguments.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string? environmentName = null)
    {
        string? url = null;
        var timeout = DefaultTimeout;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--url" when value is not null:
                    url = value;
                    i++;
                    break;
                case "--timeout" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 300:
                    timeout = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                default:
                    Command.WriteUsage(error);
                    return 2;
            }
        }

        var given = url is not null;
        url ??= ConfiguredUrl(environmentName ?? CliConfiguration.EnvironmentName());
        if (!Uri.TryCreate(Loopback(url), UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            error.WriteLine($"unhealthy: '{url}' is not an http or https URL.");
            return given ? 2 : 1;
        }

        var live = new Uri(baseAddress, LivePath);
        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = timeout, UseProxy = false }) { Timeout = timeout };
        try
        {
            using var response = client.GetAsync(live).GetAwaiter().GetResult();
            if (response.IsSuccessStatusCode)
            {
                output.WriteLine($"healthy: {live} answered {(int)response.StatusCode}.");
                return 0;
            }

            error.WriteLine($"unhealthy: {live} answered {(int)response.StatusCode}.");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            error.WriteLine($"unhealthy: {live} did not answer ({ex.HttpRequestError}).");
            return 1;
        }
        catch (TaskCanceledException)
        {
            error.WriteLine($"unhealthy: {live} did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
            return 1;
        }
    }

    /// <summary>The first URL the server would listen on, preferring http (a local check need not know the certificate).</summary>
    private static string ConfiguredUrl(string environmentName)
    {
        string? urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is { Length: > 0 } aspNetCore ? aspNetCore
            : Environment.GetEnvironmentVariable("DOTNET_URLS") is { Length: > 0 } dotnet ? dotnet
            : null;
        if (urls is null)
        {
            try
            {
                urls = CliConfiguration.Load(environmentName)["urls"];
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or InvalidDataException)
            {
                // No readable configuration folder: fall back to Kestrel's default below.
            }
        }

        var candidates = (urls ?? "http://localhost:5000").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return candidates.FirstOrDefault(candidate => candidate.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? candidates.FirstOrDefault()
            ?? "http://localhost:5000";
    }

    /// <summary>A listening address with a wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) is asked on loopback.</summary>
    private static string Loopback(string address)
    {
        var hostStart = address.IndexOf("://", StringComparison.Ordinal) + 3;
        if (hostStart < 3)
        {
            return address;
        }

        foreach (var (wildcard, loopback) in s_wildcards)
        {
            var end = hostStart + wildcard.Length;
            if (address.AsSpan(hostStart).StartsWith(wildcard, StringComparison.Ordinal) && (end == address.Length || address[end] is ':' or '/'))
            {
                return string.Concat(address.AsSpan(0, hostStart), loopback, address.AsSpan(end));
            }
        }

        return address;
    }

    private static readonly (string Wildcard, string Loopback)[] s_wildcards =
        [("+", "127.0.0.1"), ("*", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("[::]", "[::1]")];
}
