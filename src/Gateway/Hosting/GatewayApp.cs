namespace Gateway.Hosting;

/// <summary>Creates the gateway application; the entry point and the tests share it.</summary>
internal static class GatewayApp
{
    /// <summary>Kestrel's switch that refuses a bare LF as a line end in HTTP/1.x request lines and headers.</summary>
    public const string StrictLineEndsSwitch = "Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators";

    /// <summary>The runtime's setting that completes socket operations on the socket engine's thread.</summary>
    public const string InlineSocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// Builds the configured application. <paramref name="configure"/> runs before the gateway's own registrations,
    /// so a test's configuration overrides the files and its services win over the gateway's TryAdd defaults.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The gateway faces the internet: only CRLF ends a line, so a proxy in front that reads a bare LF differently
        // cannot disagree with Kestrel about where a request ends. Kestrel reads the switch when the server is built;
        // a runtimeconfig setting (to allow clients that send bare LF) wins.
        if (!AppContext.TryGetSwitch(StrictLineEndsSwitch, out _))
        {
            AppContext.SetSwitch(StrictLineEndsSwitch, true);
        }

        PreferInlineSocketCompletions();
        var builder = WebApplication.CreateBuilder(args);

        // The host logs a failed start (such as an address in use) with its stack trace at Error; the entry point says
        // it once, plainly (StartupFailure). A background service's failure still shows: the host logs it at Critical.
        builder.Logging.AddFilter(HostCategory, LogLevel.Critical);
        configure?.Invoke(builder);
        builder.AddGateway();
        ListenAddresses.ThrowIfInUse(builder.Configuration);
        return builder.Build().MapGateway();
    }

    /// <summary>
    /// A socket's completion continues on the socket engine's thread, where Kestrel's transport hands the request to the
    /// thread pool, instead of taking one more thread-pool hop first: about 15 % more redirects per core (bench/README.md).
    /// No socket continuation on the request path blocks; the Data Protection key ring's first Redis connect can wait,
    /// bounded by the connect timeout. The runtime reads the variable once, at the process's first socket, so this runs
    /// before any; an operator's own value, such as 0, wins.
    /// </summary>
    public static void PreferInlineSocketCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineSocketCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletionsVariable, "1");
        }
    }
}
