using Gateway.Signing.Sts;

namespace Gateway.Signing.Credentials;

/// <summary>How to ask AWS STS (Query API version 2011-06-15) for temporary keys.</summary>
public sealed record AwsStsOptions
{
    /// <summary>The shortest <c>DurationSeconds</c> AWS allows: 15 minutes.</summary>
    public const int MinDurationSeconds = 900;

    /// <summary>The longest <c>DurationSeconds</c> AWS allows (the role's own maximum may be lower): 12 hours.</summary>
    public const int MaxDurationSeconds = 43_200;

    /// <summary>The STS endpoint; its host is what gets signed. The global endpoint signs for <c>us-east-1</c>.</summary>
    public Uri Endpoint { get; init; } = new("https://sts.amazonaws.com/");

    /// <summary>The region in the SigV4 credential scope; it must be the endpoint's region.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The role to assume (<c>arn:aws:iam::…:role/…</c>).</summary>
    public string RoleArn { get; init; } = "";

    /// <summary>The session name, which shows in CloudTrail.</summary>
    public string RoleSessionName { get; init; } = "gateway";

    /// <summary>How long the keys last, in seconds.</summary>
    public int DurationSeconds { get; init; } = 3_600;

    /// <summary>An optional session policy (JSON) that narrows the role's permissions.</summary>
    public string? Policy { get; init; }

    /// <summary>
    /// A file holding an OIDC token (Kubernetes projects one and rotates it). Set without a permanent key, it makes the
    /// source call <c>AssumeRoleWithWebIdentity</c>, reading the file again on every call.
    /// </summary>
    public string? WebIdentityTokenFile { get; init; }

    /// <summary>Checks every setting and returns one message per problem; each names the setting, never its value.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        StsHttp.ValidateEndpointAndRegion(Endpoint, Region, errors);

        if (string.IsNullOrWhiteSpace(RoleArn))
        {
            errors.Add($"{nameof(RoleArn)} is required.");
        }

        if (RoleSessionName is not { Length: >= 2 and <= 64 })
        {
            errors.Add($"{nameof(RoleSessionName)} must be from 2 to 64 characters.");
        }

        if (DurationSeconds < MinDurationSeconds || DurationSeconds > MaxDurationSeconds)
        {
            errors.Add($"{nameof(DurationSeconds)} must be from {MinDurationSeconds} to {MaxDurationSeconds}.");
        }

        if (WebIdentityTokenFile is not null && string.IsNullOrWhiteSpace(WebIdentityTokenFile))
        {
            errors.Add($"{nameof(WebIdentityTokenFile)} must not be blank.");
        }

        return errors;
    }
}
