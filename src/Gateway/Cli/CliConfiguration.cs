using Gateway.Configuration;

namespace Gateway.Cli;

/// <summary>The configuration the command-line verbs read: the same files and overrides as the server, for the same environment.</summary>
internal static class CliConfiguration
{
    /// <summary>
    /// The environment the server would run in without <c>--environment</c>: <c>DOTNET_ENVIRONMENT</c>, else
    /// <c>ASPNETCORE_ENVIRONMENT</c> (the web host reads both, and the first wins), else Production.
    /// </summary>
    public static string EnvironmentName() =>
        Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } dotnet ? dotnet
        : Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } aspNetCore ? aspNetCore
        : Environments.Production;

    /// <summary>True for the Development environment, whose files hold the demo keys.</summary>
    public static bool IsDevelopment(string environmentName) => string.Equals(environmentName, Environments.Development, StringComparison.OrdinalIgnoreCase);

    public static ConfigurationManager Load(string environmentName)
    {
        // As the server: the files, then user secrets (Development only), then environment variables.
        var configuration = new ConfigurationManager();
        configuration.AddUserSecretsInDevelopment(environmentName);
        configuration.AddEnvironmentVariables();
        configuration.AddGatewayFiles(environmentName);
        return configuration;
    }
}
