namespace Gateway.Configuration;

/// <summary>
/// Loads every <c>*.json</c> file of the configuration folder, below environment variables, user secrets and the
/// command line, so that secrets and deployment overrides always win over the files.
/// </summary>
internal static class GatewayConfigurationSources
{
    /// <summary>The environment variable that names the configuration folder.</summary>
    public const string DirectoryVariable = "GATEWAY_CONFIG_DIR";

    /// <summary>The folder used when the variable is not set, relative to the working directory.</summary>
    public const string DefaultDirectory = "config";

    /// <summary>The configuration key that holds the resolved folder, for files the gateway reads itself (rules).</summary>
    public const string ResolvedDirectoryKey = "Gateway:ConfigDirectory";

    /// <summary>
    /// Adds the configuration folder's files to <paramref name="configuration"/> with reload on change. A file removed
    /// or broken later keeps its last good content (see the returned <see cref="LastGoodConfigurationFiles"/>).
    /// </summary>
    public static LastGoodConfigurationFiles AddGatewayFiles(this ConfigurationManager configuration)
    {
        var directory = ResolveDirectory(configuration[DirectoryVariable]);
        var folder = new LastGoodConfigurationFiles(directory);
        var files = Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < files.Length; i++)
        {
            // Inserted first, in file-name order, so that later files and every other source override them.
            // ConfigurationManager reloads on every change to its sources.
            configuration.Sources.Insert(i, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = Path.GetFileName(files[i]),
                FileProvider = folder,
                Optional = false,
                ReloadOnChange = true,
            });
        }

        configuration.Sources.Insert(files.Length, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [new(ResolvedDirectoryKey, directory)],
        });
        return folder;
    }

    /// <summary>Resolves <paramref name="path"/> against the configuration folder unless it is absolute.</summary>
    public static string ResolvePath(IConfiguration configuration, string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(configuration[ResolvedDirectoryKey] ?? DefaultDirectory, path);

    private static string ResolveDirectory(string? configured)
    {
        var candidates = configured is { Length: > 0 }
            ? [Path.GetFullPath(configured)]
            : new[] { Path.GetFullPath(DefaultDirectory), Path.Combine(AppContext.BaseDirectory, DefaultDirectory) };

        return candidates.FirstOrDefault(Directory.Exists)
            ?? throw new InvalidOperationException(
                $"The configuration folder was not found. Set {DirectoryVariable} or run from the folder that holds '{DefaultDirectory}/'.");
    }
}
