using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Gateway.Authorization;

/// <summary>Who may do what: <c>Gateway:Policies</c>, <c>Gateway:Rules</c> and <c>Gateway:Admin</c>.</summary>
internal sealed record GatewayAuthorizationOptions
{
    /// <summary>The configuration section these options bind to; other features bind their own keys of it.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Authorization policies that routes can name, by name.</summary>
    public Dictionary<string, PolicyOptions> Policies { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The authorization rules file.</summary>
    [ValidateObjectMembers]
    public RulesOptions Rules { get; init; } = new();

    /// <summary>The admin endpoints.</summary>
    public AdminOptions Admin { get; init; } = new();
}

/// <summary>A named authorization policy: an authenticated caller with every listed claim.</summary>
internal sealed record PolicyOptions
{
    /// <summary>Claims the caller must have, each with one of the listed values.</summary>
    public Dictionary<string, string[]> RequiredClaims { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Claim types the caller must have, with any value.</summary>
    public List<string> RequiredClaimTypes { get; init; } = [];
}

/// <summary>Where the authorization rules live.</summary>
internal sealed record RulesOptions
{
    /// <summary>The setting that names the rules file.</summary>
    public const string FileSetting = GatewayAuthorizationOptions.SectionName + ":Rules:File";

    /// <summary>The rules file, relative to the configuration folder unless absolute. Edits take effect without a restart.</summary>
    [Required]
    public string File { get; init; } = "rules/access.json";
}

/// <summary>The admin endpoints, such as <c>POST /admin/explain</c>.</summary>
internal sealed record AdminOptions
{
    /// <summary>The policy (a key of <c>Gateway:Policies</c>) an admin caller must satisfy; admin endpoints are off when empty.</summary>
    public string? Policy { get; init; }
}
