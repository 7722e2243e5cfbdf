namespace Gateway.Cli;

/// <summary>The gateway's command-line verbs; anything else starts the server.</summary>
internal static class CommandLine
{
    /// <summary>Runs the verb named by the first argument and returns its exit code, or null when there is none.</summary>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error) => args switch
    {
        [DevTokenCommand.Verb, .. var rest] => DevTokenCommand.Run(rest, output, error),
        [ExplainCommand.Verb, .. var rest] => ExplainCommand.Run(rest, output, error),
        [PolicyCommand.Verb, .. var rest] => PolicyCommand.Run(rest, output, error),
        _ => null,
    };

    /// <summary>Splits a <c>--claim NAME=VALUE</c> argument; false when there is no name before the '='.</summary>
    public static bool TryParseClaim(string? argument, out KeyValuePair<string, string> claim)
    {
        var separator = argument?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        claim = separator > 0 ? new(argument![..separator], argument[(separator + 1)..]) : default;
        return separator > 0;
    }
}
