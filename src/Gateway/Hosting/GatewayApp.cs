namespace Gateway.Hosting;

/// <summary>Creates the gateway application; the entry point and the tests share it.</summary>
internal static class GatewayApp
{
    /// <summary>Builds the configured application. <paramref name="configure"/> lets tests add configuration last.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddGateway();
        configure?.Invoke(builder);
        return builder.Build().MapGateway();
    }
}
