using Gateway.Configuration;

namespace Gateway.Cli;

/// <summary>The configuration the command-line verbs read: the same files and overrides as the server.</summary>
internal static class CliConfiguration
{
    public static ConfigurationManager Load()
    {
        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables();
        configuration.AddGatewayFiles();
        return configuration;
    }
}
