using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Authorization;

/// <summary>Checks data annotations on <see cref="GatewayAuthorizationOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class GatewayAuthorizationOptionsAnnotationsValidator : IValidateOptions<GatewayAuthorizationOptions>;

/// <summary>
/// Checks that the admin policy is configured and that the rules file reads and parses, reporting every problem by
/// setting name. The file is only read here; <see cref="RuleSetProvider"/> loads it.
/// </summary>
internal sealed class GatewayAuthorizationOptionsValidator(IConfiguration configuration) : IValidateOptions<GatewayAuthorizationOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayAuthorizationOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new GatewayAuthorizationOptionsAnnotationsValidator().Validate(GatewayAuthorizationOptions.SectionName, options));

        if (options.Admin.Policy is { Length: > 0 } adminPolicy && !options.Policies.ContainsKey(adminPolicy))
        {
            builder.AddError(
                $"names a policy that is not configured under {GatewayAuthorizationOptions.SectionName}:Policies",
                $"{GatewayAuthorizationOptions.SectionName}:Admin:Policy");
        }

        if (options.Rules.File is { Length: > 0 } file)
        {
            RuleSetProvider.TryLoad(Path.GetFullPath(GatewayConfigurationSources.ResolvePath(configuration, file)), out var problems);
            foreach (var problem in problems)
            {
                builder.AddError(problem);
            }
        }

        return builder.Build();
    }
}
