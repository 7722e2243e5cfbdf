using Gateway.Signing.Sts;

namespace Gateway.Signing.Credentials;

/// <summary>How to ask Tencent STS (API version 2018-08-13) for temporary keys.</summary>
public sealed record TencentStsOptions
{
    /// <summary>The <c>GetFederationToken</c> action: keys for a federated user, limited by <see cref="Policy"/>.</summary>
    public const string GetFederationTokenAction = "GetFederationToken";

    /// <summary>The <c>AssumeRole</c> action: keys for the CAM role <see cref="RoleArn"/>.</summary>
    public const string AssumeRoleAction = "AssumeRole";

    /// <summary>The longest <c>DurationSeconds</c> Tencent allows for <c>GetFederationToken</c>: 2 hours.</summary>
    public const int MaxFederationTokenDurationSeconds = 7_200;

    /// <summary>The longest <c>DurationSeconds</c> Tencent allows for <c>AssumeRole</c>: 12 hours.</summary>
    public const int MaxAssumeRoleDurationSeconds = 43_200;

    /// <summary>The STS endpoint; its host is what gets signed.</summary>
    public Uri Endpoint { get; init; } = new("https://sts.tencentcloudapi.com/");

    /// <summary>The region sent as <c>X-TC-Region</c>, e.g. <c>ap-guangzhou</c>.</summary>
    public string Region { get; init; } = "";

    /// <summary><see cref="GetFederationTokenAction"/> (the default) or <see cref="AssumeRoleAction"/>.</summary>
    public string Action { get; init; } = GetFederationTokenAction;

    /// <summary>The federated user's name; required for <c>GetFederationToken</c>.</summary>
    public string? Name { get; init; }

    /// <summary>The role to assume (<c>qcs::cam::uin/…:roleName/…</c>); required for <c>AssumeRole</c>.</summary>
    public string? RoleArn { get; init; }

    /// <summary>The session name for <c>AssumeRole</c>.</summary>
    public string RoleSessionName { get; init; } = "gateway";

    /// <summary>How long the keys last, in seconds.</summary>
    public int DurationSeconds { get; init; } = 1_800;

    /// <summary>A CAM policy document as plain JSON; it is URL-encoded when sent, as the API requires. Required for <c>GetFederationToken</c>.</summary>
    public string? Policy { get; init; }

    /// <summary>Checks every setting and returns one message per problem; each names the setting, never its value.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        StsHttp.ValidateEndpointAndRegion(Endpoint, Region, errors);

        int maxDuration;
        switch (Action)
        {
            case GetFederationTokenAction:
                maxDuration = MaxFederationTokenDurationSeconds;
                if (string.IsNullOrWhiteSpace(Name))
                {
                    errors.Add($"{nameof(Name)} is required for {GetFederationTokenAction}.");
                }

                if (string.IsNullOrWhiteSpace(Policy))
                {
                    errors.Add($"{nameof(Policy)} is required for {GetFederationTokenAction}.");
                }

                break;
            case AssumeRoleAction:
                maxDuration = MaxAssumeRoleDurationSeconds;
                if (string.IsNullOrWhiteSpace(RoleArn))
                {
                    errors.Add($"{nameof(RoleArn)} is required for {AssumeRoleAction}.");
                }

                if (string.IsNullOrWhiteSpace(RoleSessionName))
                {
                    errors.Add($"{nameof(RoleSessionName)} is required for {AssumeRoleAction}.");
                }

                break;
            default:
                maxDuration = MaxAssumeRoleDurationSeconds;
                errors.Add($"{nameof(Action)} must be {GetFederationTokenAction} or {AssumeRoleAction}.");
                break;
        }

        if (DurationSeconds < 1 || DurationSeconds > maxDuration)
        {
            errors.Add($"{nameof(DurationSeconds)} must be from 1 to {maxDuration} for this action.");
        }

        return errors;
    }
}
