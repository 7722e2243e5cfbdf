namespace Gateway.TestSupport;

/// <summary>Finds the repository from the test binaries, so no machine path is written down.</summary>
public static class Repository
{
    public const string SolutionFile = "Gateway.sln";

    private static readonly Lazy<string?> s_root = new(FindRootCore);

    /// <summary>The folder holding <see cref="SolutionFile"/>; throws when none is above the test binaries.</summary>
    public static string Root =>
        FindRoot() ?? throw new InvalidOperationException($"{SolutionFile} was not found above '{AppContext.BaseDirectory}'.");

    /// <summary>The folder holding <see cref="SolutionFile"/>, or null when none is above the test binaries.</summary>
    public static string? FindRoot() => s_root.Value;

    private static string? FindRootCore()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
