using Gateway.Diagnostics;

namespace Gateway.Hosting;

/// <summary>The first line a good start logs: which gateway, in which environment, from which configuration.</summary>
internal static partial class StartupLog
{
    [LoggerMessage(
        EventId = LogEvents.Starting,
        Level = LogLevel.Information,
        Message = "Object-storage download gateway {Version} is starting in the {Environment} environment, with the configuration in {ConfigurationDirectory}.")]
    public static partial void Starting(ILogger logger, string version, string environment, string? configurationDirectory);
}
