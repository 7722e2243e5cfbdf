namespace Gateway.Configuration;

/// <summary>
/// Loads the configuration folder's <c>*.json</c> files, below user secrets (in Development only; the web host adds
/// them for the server), environment variables and the command line, so that secrets and deployment overrides always
/// win over the files. A file named <c>NAME.ENVIRONMENT.json</c>
/// (such as <c>gateway.Development.json</c>) loads only in that environment, after every base file.
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
    /// Adds the configuration folder's files for <paramref name="environmentName"/> to <paramref name="configuration"/>
    /// with reload on change: the base files in file-name order, then that environment's files in file-name order. A
    /// file removed or broken later keeps its last good content (see the returned <see cref="LastGoodConfigurationFiles"/>).
    /// </summary>
    public static LastGoodConfigurationFiles AddGatewayFiles(this ConfigurationManager configuration, string environmentName)
    {
        var directory = ResolveDirectory(configuration[DirectoryVariable]);
        var folder = new LastGoodConfigurationFiles(directory);
        var names = Directory.GetFiles(directory, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        string[] files =
        [
            .. names.Where(name => EnvironmentOf(name) is null),
            .. names.Where(name => string.Equals(EnvironmentOf(name), environmentName, StringComparison.OrdinalIgnoreCase)),
        ];
        for (var i = 0; i < files.Length; i++)
        {
            // Inserted first, in load order, so that later files and every other source override them.
            // ConfigurationManager reloads on every change to its sources.
            configuration.Sources.Insert(i, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = files[i],
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

    /// <summary>
    /// Adds the user secrets of <c>dotnet user-secrets</c> (the project's <c>UserSecretsId</c>) in Development only, as
    /// the web host does for the server; the verbs call this so they read what the server reads.
    /// </summary>
    public static IConfigurationBuilder AddUserSecretsInDevelopment(this IConfigurationBuilder configuration, string environmentName) =>
        string.Equals(environmentName, Environments.Development, StringComparison.OrdinalIgnoreCase)
            ? configuration.AddUserSecrets(typeof(GatewayConfigurationSources).Assembly, optional: true, reloadOnChange: false)
            : configuration;

    /// <summary>The names of the folder's files that belong to an environment other than <paramref name="environmentName"/>.</summary>
    internal static string[] FilesOfOtherEnvironments(string directory, string environmentName) =>
    [
        .. Directory.GetFiles(directory, "*.json").Select(Path.GetFileName).OfType<string>()
            .Where(name => EnvironmentOf(name) is { } environment && !string.Equals(environment, environmentName, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The environment a file belongs to (<c>Development</c> for <c>gateway.Development.json</c>), or null for a base file.</summary>
    internal static string? EnvironmentOf(string fileName)
    {
        var name = Path.GetFileNameWithoutExtension(fileName);
        var dot = name.LastIndexOf('.');
        return dot > 0 && dot < name.Length - 1 ? name[(dot + 1)..] : null;
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
            ?? throw new DirectoryNotFoundException(
                $"The configuration folder was not found. Set {DirectoryVariable} or run from the folder that holds '{DefaultDirectory}/'.");
    }
}
