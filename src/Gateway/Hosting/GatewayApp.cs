namespace Gateway.Hosting;

/// <summary>Creates the gateway application; the entry point and the tests share it.</summary>
internal static class GatewayApp
{
    /// <summary>
    /// Builds the configured application. <paramref name="configure"/> runs before the gateway's own registrations,
    /// so a test's configuration overrides the files and its services win over the gateway's TryAdd defaults.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddGateway();
        return builder.Build().MapGateway();
    }
}
