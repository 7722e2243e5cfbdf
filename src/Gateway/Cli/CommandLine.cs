using Gateway.Hosting;

namespace Gateway.Cli;

/// <summary>
/// The gateway's command line: help, the version, the verbs, and a check of the server's own arguments. Anything that
/// is not a verb, help or the version starts the server, when its arguments are ones the server understands.
/// </summary>
internal static class CommandLine
{
    /// <summary>How help names the program: the published app host; <c>dotnet run --project src/Gateway --</c> in a clone.</summary>
    public const string Program = "Gateway";

    private const string EnvironmentOption = "--environment";

    /// <summary>Every verb, in the order help lists them. A new verb is one more entry here.</summary>
    public static readonly IReadOnlyList<CliCommand> Commands =
    [
        DevTokenCommand.Command,
        ExplainCommand.Command,
        PolicyCommand.Command,
        HealthcheckCommand.Command,
        RewriteCommand.Command,
    ];

    /// <summary>
    /// The server's own settings that may be given as <c>--NAME VALUE</c> or <c>--NAME=VALUE</c> without a section:
    /// the web host's. Any <c>--SECTION:KEY</c> is a configuration override and always allowed.
    /// </summary>
    private static readonly HashSet<string> s_hostSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "environment", "contentRoot", "applicationName", "webroot", "http_ports", "https_ports", "AllowedHosts",
        "shutdownTimeoutSeconds", "detailedErrors", "hostingStartupAssemblies", "hostingStartupExcludeAssemblies",
        "preventHostingStartup", "suppressStatusMessages",
    };

    private static readonly HashSet<string> s_helpWords = new(StringComparer.Ordinal) { "--help", "-h", "help", "-?" };

    /// <summary>
    /// Runs help, the version or the verb named by the first argument and returns its exit code, or null when the
    /// arguments are the server's. Like the server, the verbs read the configuration of the environment named by
    /// <c>--environment NAME</c> before the verb (which <c>dotnet run</c> passes, see <c>RunArguments</c> in the project),
    /// else by the environment variables. Arguments that neither the server nor a verb understands return 2.
    /// </summary>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error)
    {
        var environmentName = CliConfiguration.EnvironmentName();
        var verb = args.AsSpan();
        while (true)
        {
            // The last one wins, as on the server's command line.
            if (verb is [EnvironmentOption, var name, ..])
            {
                environmentName = name;
                verb = verb[2..];
            }
            else if (verb is [var option, ..] && option.StartsWith(EnvironmentOption + "=", StringComparison.Ordinal))
            {
                environmentName = option[(EnvironmentOption.Length + 1)..];
                verb = verb[1..];
            }
            else
            {
                break;
            }
        }

        switch (verb)
        {
            case [var word] when s_helpWords.Contains(word):
                WriteHelp(output);
                return 0;
            case ["help", var name]:
                return Find(name) is { } named ? Help(named, output) : UnknownVerb(name, error);
            case ["--version"]:
                output.WriteLine(GatewayVersion.Current);
                return 0;
            case [var name, .. var rest] when Find(name) is { } command:
                return rest.Contains("--help") || rest.Contains("-h") ? Help(command, output) : Run(command, [.. rest], output, error, environmentName);
            default:
                return CheckServerArguments(args, error);
        }
    }

    /// <summary>Splits a <c>--claim NAME=VALUE</c> argument; false when there is no name before the '='.</summary>
    public static bool TryParseClaim(string? argument, out KeyValuePair<string, string> claim)
    {
        var separator = argument?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        claim = separator > 0 ? new(argument![..separator], argument[(separator + 1)..]) : default;
        return separator > 0;
    }

    /// <summary>Writes the program's help: what it is, how to start the server, and every verb.</summary>
    public static void WriteHelp(TextWriter writer)
    {
        var width = Commands.Max(command => command.Verb.Length) + 2;
        writer.WriteLine($"Object-storage download gateway {GatewayVersion.Current}");
        writer.WriteLine();
        writer.WriteLine($"usage: {Program} [--urls URLS] [--environment NAME] [--SECTION:KEY=VALUE]...   start the server");
        writer.WriteLine($"       {Program} [--environment NAME] VERB [ARGS]                               run a verb");
        writer.WriteLine();
        writer.WriteLine("verbs:");
        foreach (var command in Commands)
        {
            writer.WriteLine($"  {command.Verb.PadRight(width)}{command.Summary}");
        }

        writer.WriteLine();
        writer.WriteLine("options:");
        writer.WriteLine("  --urls URLS             where the server listens, such as http://127.0.0.1:8080 (';' between several)");
        writer.WriteLine("  --environment NAME      Development loads the demo keys (config/*.Development.json) and user secrets;");
        writer.WriteLine("                          the default is DOTNET_ENVIRONMENT or ASPNETCORE_ENVIRONMENT, else Production");
        writer.WriteLine("  --SECTION:KEY=VALUE     overrides a setting, such as --Gateway:DefaultUrlLifetime=00:10:00");
        writer.WriteLine("  -h, --help              this help; VERB --help for a verb's");
        writer.WriteLine("  --version               the version");
        writer.WriteLine();
        writer.WriteLine($"{Program} is `dotnet run --project src/Gateway --` in a clone, and `dotnet Gateway.dll` where it is published.");
    }

    private static CliCommand? Find(string verb)
    {
        foreach (var command in Commands)
        {
            if (string.Equals(command.Verb, verb, StringComparison.Ordinal))
            {
                return command;
            }
        }

        return null;
    }

    private static int Help(CliCommand command, TextWriter output)
    {
        command.WriteHelp(output);
        return 0;
    }

    private static int Run(CliCommand command, string[] args, TextWriter output, TextWriter error, string environmentName)
    {
        var exitCode = command.Run(args, output, error, environmentName);
        if (exitCode == 2)
        {
            // A usage error: say how to get the whole help.
            error.WriteLine($"Run '{Program} {command.Verb} --help' for a description and an example.");
        }

        return exitCode;
    }

    private static int UnknownVerb(string word, TextWriter error) =>
        Refuse(error, $"'{word}' is not a verb.");

    /// <summary>
    /// Null when <paramref name="args"/> are the server's (ASP.NET Core's <c>--KEY VALUE</c>, <c>--KEY=VALUE</c> and
    /// <c>KEY=VALUE</c> forms, for a web host setting or a <c>SECTION:KEY</c>); else writes what is wrong and returns 2.
    /// </summary>
    private static int? CheckServerArguments(string[] args, TextWriter error)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var argument = args[i];
            if (argument.StartsWith("--", StringComparison.Ordinal))
            {
                var separator = argument.IndexOf('=', StringComparison.Ordinal);
                var key = separator < 0 ? argument[2..] : argument[2..separator];
                if (key.Length == 0 || !(key.Contains(':', StringComparison.Ordinal) || s_hostSettings.Contains(key)))
                {
                    return Refuse(error, $"'{argument}' is not an option.");
                }

                if (separator < 0 && ++i >= args.Length)
                {
                    return Refuse(error, $"'{argument}' needs a value.");
                }
            }
            else if (argument.StartsWith('-') || !argument.Contains('=', StringComparison.Ordinal))
            {
                return Refuse(error, i == 0 && !argument.StartsWith('-') ? $"'{argument}' is not a verb." : $"'{argument}' is not an option.");
            }
        }

        return null;
    }

    private static int Refuse(TextWriter error, string problem)
    {
        error.WriteLine(problem);
        error.WriteLine($"The verbs are: {string.Join(", ", Commands.Select(command => command.Verb))}. Without one, {Program} starts the server.");
        error.WriteLine($"Run '{Program} --help' for the options, or '{Program} VERB --help' for a verb's.");
        return 2;
    }
}
