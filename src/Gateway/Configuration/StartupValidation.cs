using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// Runs every feature's options validation (each <c>AddOptionsWithValidateOnStart</c>) before the gateway serves, and
/// reports all failures together. Validation builds no service: each feature's validator checks its settings alone.
/// </summary>
internal static class StartupValidation
{
    public static void ThrowIfInvalid(IServiceProvider services)
    {
        var failures = new List<string>();
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException ex)
        {
            failures.AddRange(ex.Failures);
        }
        catch (AggregateException ex)
        {
            // One OptionsValidationException per options type that failed.
            failures.AddRange(ex.Flatten().InnerExceptions.OfType<OptionsValidationException>().SelectMany(failed => failed.Failures));
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

            throw new OptionsValidationException("Gateway", typeof(IConfiguration), failures);
        }
    }
}
