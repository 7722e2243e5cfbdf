using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// Runs every feature's options validation (each <c>AddOptionsWithValidateOnStart</c>) before the gateway serves, and
/// reports all failures together, each also with the value it was given (see <see cref="ConfigurationProblems"/>).
/// Validation builds no service: each feature's validator checks its settings alone.
/// </summary>
internal static partial class StartupValidation
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
        catch (InvalidOperationException ex) when (ConversionFailure().Match(ex.Message) is { Success: true } match)
        {
            // The binder stops at the first value it cannot convert; its message quotes the value, which may be a secret.
            failures.Add($"Property {match.Groups["path"].Value}: cannot be read as {match.Groups["type"].Value}");
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
            var configuration = services.GetRequiredService<IConfiguration>();
            var directory = configuration[GatewayConfigurationSources.ResolvedDirectoryKey];
            var skipped = directory is null ? [] : GatewayConfigurationSources.FilesOfOtherEnvironments(directory, environment);
            var note = skipped.Length > 0 ? $"The environment is '{environment}', so these files were not loaded: {string.Join(", ", skipped)}." : null;
            var problems = ConfigurationProblems.Describe(failures, configuration);
            if (note is not null)
            {
                failures.Add(note);
            }

            throw new GatewayConfigurationException(failures, problems, note);
        }
    }

    // "Failed to convert configuration value 'VALUE' at 'PATH' to type 'TYPE'."
    [GeneratedRegex(@"^Failed to convert configuration value (?:'.*' )?at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ConversionFailure();
}
