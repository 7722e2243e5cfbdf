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
            // Say which environment files were left out: without gateway.Development.json there are no demo keys.
            var environment = services.GetRequiredService<IHostEnvironment>().EnvironmentName;
            var directory = services.GetRequiredService<IConfiguration>()[GatewayConfigurationSources.ResolvedDirectoryKey];
            var skipped = directory is null ? [] : GatewayConfigurationSources.FilesOfOtherEnvironments(directory, environment);
            if (skipped.Length > 0)
            {
                failures.Add($"The environment is '{environment}', so these files were not loaded: {string.Join(", ", skipped)}.");
            }

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
