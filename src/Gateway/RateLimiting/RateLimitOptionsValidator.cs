using Microsoft.Extensions.Options;

namespace Gateway.RateLimiting;

/// <summary>Checks every policy and bucket of <c>Gateway:RateLimits</c>, naming each setting, never its value.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    private const string Path = RateLimitOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (!options.Policies.ContainsKey(options.DefaultPolicy))
        {
            builder.AddError($"names a policy that is not configured under {Path}:Policies", $"{Path}:DefaultPolicy");
        }

        foreach (var (policyName, policy) in options.Policies)
        {
            if (string.Equals(policyName, RateLimitOptions.Disable, StringComparison.OrdinalIgnoreCase) || string.Equals(policyName, "Default", StringComparison.OrdinalIgnoreCase))
            {
                builder.AddError("is a reserved name", $"{Path}:Policies:{policyName}");
            }

            if (policy.PerSubject is null && policy.PerClientIp is null)
            {
                builder.AddError("needs PerSubject, PerClientIp or both", $"{Path}:Policies:{policyName}");
            }

            ValidateBucket(policy.PerSubject, $"{Path}:Policies:{policyName}:PerSubject", builder);
            ValidateBucket(policy.PerClientIp, $"{Path}:Policies:{policyName}:PerClientIp", builder);
        }

        return builder.Build();
    }

    private static void ValidateBucket(TokenBucketOptions? bucket, string path, ValidateOptionsResultBuilder builder)
    {
        if (bucket is null)
        {
            return;
        }

        if (bucket.Permits < 1)
        {
            builder.AddError("must be at least 1", $"{path}:Permits");
        }

        if (bucket.Burst < Math.Max(1, bucket.Permits))
        {
            builder.AddError("must be at least Permits (and at least 1)", $"{path}:Burst");
        }

        if (bucket.Period < TimeSpan.FromMilliseconds(100) || bucket.Period > TimeSpan.FromHours(1))
        {
            builder.AddError("must be from 00:00:00.1 to 01:00:00", $"{path}:Period");
        }
    }
}
