namespace Gateway.Cli;

/// <summary>
/// One command-line verb as help shows it and the dispatcher runs it. <paramref name="Run"/> gets the arguments after
/// the verb, standard output and error, and the environment whose configuration it reads; it returns the exit code.
/// </summary>
/// <param name="Verb">The word that selects the command.</param>
/// <param name="Summary">One line for the list of verbs.</param>
/// <param name="Description">What the command does and what its exit codes mean, for <c>VERB --help</c>.</param>
/// <param name="Usage">The arguments after the verb.</param>
/// <param name="Example">One command line that works with the demo configuration.</param>
/// <param name="Run">Runs the command.</param>
internal sealed record CliCommand(
    string Verb,
    string Summary,
    string Description,
    string Usage,
    string Example,
    Func<string[], TextWriter, TextWriter, string, int> Run)
{
    /// <summary>Writes the usage line: how a person types the verb.</summary>
    public void WriteUsage(TextWriter writer) => writer.WriteLine($"usage: {CommandLine.Program} [--environment NAME] {Verb} {Usage}".TrimEnd());

    /// <summary>Writes the whole help: description, usage and example.</summary>
    public void WriteHelp(TextWriter writer)
    {
        writer.WriteLine($"{Verb}: {Summary}");
        writer.WriteLine();
        writer.WriteLine(Description);
        writer.WriteLine();
        WriteUsage(writer);
        writer.WriteLine();
        writer.WriteLine("example:");
        writer.WriteLine($"  {Example}");
    }
}
