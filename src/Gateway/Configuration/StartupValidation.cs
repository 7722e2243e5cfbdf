using Gateway.Authentication;
using Gateway.Authorization;
using Gateway.Stores;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Runs every settings check before the gateway serves, and reports all failures together.</summary>
internal static class StartupValidation
{
    public static void ThrowIfInvalid(IServiceProvider services)
    {
        var failures = new List<string>();
        Check(failures, () => services.GetRequiredService<IOptions<GatewayOptions>>().Value);
        Check(failures, () => services.GetRequiredService<IOptions<JwtOptions>>().Value);
        Check(failures, () => services.GetRequiredService<IOptions<BrowserSignInOptions>>().Value);
        Check(failures, () => services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value);
        if (failures.Count == 0)
        {
            Check(failures, () => services.GetRequiredService<StoreRegistry>());
            Check(failures, () => services.GetRequiredService<RuleSetProvider>());
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException("Gateway", typeof(GatewayOptions), failures);
        }
    }

    private static void Check(List<string> failures, Func<object> resolve)
    {
        try
        {
            resolve();
        }
        catch (OptionsValidationException ex)
        {
            failures.AddRange(ex.Failures);
        }
    }
}
