namespace Gateway.Diagnostics;

/// <summary>Registers problem+json answers and the exception handler.</summary>
internal static class DiagnosticsRegistration
{
    public static IServiceCollection AddGatewayDiagnostics(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<GatewayExceptionHandler>();
        return services;
    }
}
