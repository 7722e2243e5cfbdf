using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Authorization;

/// <summary>Registers deny-by-default authorization with the named policies, the rules file, and the audited refusals.</summary>
internal static class AuthorizationRegistration
{
    public static IServiceCollection AddGatewayAuthorization(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<GatewayAuthorizationOptions>().BindConfiguration(GatewayAuthorizationOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayAuthorizationOptions>, GatewayAuthorizationOptionsValidator>());

        // Before AddAuthorization, which tries to add the framework's own result handler and policy evaluator.
        services.TryAddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.TryAddSingleton<IPolicyEvaluator, GatewayPolicyEvaluator>();
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AuthorizationOptions>, PolicyRegistration>());
        services.TryAddSingleton<RuleSetProvider>();
        return services;
    }
}
