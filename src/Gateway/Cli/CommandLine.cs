namespace Gateway.Cli;

/// <summary>The gateway's command-line verbs; anything else starts the server.</summary>
internal static class CommandLine
{
    private const string EnvironmentOption = "--environment";

    /// <summary>
    /// Runs the verb named by the first argument and returns its exit code, or null when there is none. Like the
    /// server, the verbs read the configuration of the environment named by <c>--environment NAME</c> before the verb
    /// (which <c>dotnet run</c> passes, see <c>RunArguments</c> in the project), else by the environment variables.
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

        return verb switch
        {
            [DevTokenCommand.Verb, .. var rest] => DevTokenCommand.Run([.. rest], output, error, environmentName),
            [ExplainCommand.Verb, .. var rest] => ExplainCommand.Run([.. rest], output, error, environmentName),
            [PolicyCommand.Verb, .. var rest] => PolicyCommand.Run([.. rest], output, error, environmentName),
            [RewriteCommand.Verb, .. var rest] => RewriteCommand.Run([.. rest], output, error, environmentName),
            _ => null,
        };
    }

    /// <summary>Splits a <c>--claim NAME=VALUE</c> argument; false when there is no name before the '='.</summary>
    public static bool TryParseClaim(string? argument, out KeyValuePair<string, string> claim)
    {
        var separator = argument?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        claim = separator > 0 ? new(argument![..separator], argument[(separator + 1)..]) : default;
        return separator > 0;
    }
}
