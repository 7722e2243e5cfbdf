namespace Gateway.Tests.Infrastructure;

/// <summary>Finds the repository from the test binaries, so no machine path is written down.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string S3rver => Path.Combine(Root, "tests", "tools", "node_modules", "s3rver", "bin", "s3rver.js");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln was not found above the test binaries.");
    }
}
