using Gateway.Hosting;

namespace Gateway.Cli;

/// <summary>
/// The gateway as the verbs that read routes see it: built from the same configuration and validated the same way as
/// the server, with its routes loaded into the application's endpoints, but never started.
/// </summary>
internal static class CliApp
{
    /// <summary>Builds the application for <paramref name="environmentName"/>, or writes every configuration problem to <paramref name="error"/> and returns null.</summary>
    public static WebApplication? TryBuild(TextWriter error, string environmentName)
    {
        try
        {
            return GatewayApp.Create(["--environment", environmentName], builder => builder.Logging.ClearProviders());
        }
        catch (Exception ex) when (StartupFailure.Describe(ex) is { } failure)
        {
            error.Write(failure);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            error.WriteLine($"The configuration cannot be read: {ex.Message}");
            return null;
        }
    }
}
