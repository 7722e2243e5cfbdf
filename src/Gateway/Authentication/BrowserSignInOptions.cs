using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Gateway.Authentication;

/// <summary>How browsers sign in: the <c>Authentication:Oidc</c> section. Browser sign-in is off when <see cref="Authority"/> is empty.</summary>
internal sealed record BrowserSignInOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Authentication:Oidc";

    /// <summary>The OpenID Provider's issuer URL; its discovery document supplies the endpoints.</summary>
    public Uri? Authority { get; init; }

    /// <summary>False allows an http authority, on loopback only (development).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>The client id registered at the provider.</summary>
    public string? ClientId { get; init; }

    /// <summary>Optional client secret, from an environment variable or user secrets; public clients rely on PKCE alone.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>Scopes to request besides <c>openid</c>.</summary>
    public List<string> Scopes { get; init; } = ["profile"];

    /// <summary>Claims copied from the ID token or userinfo into the session, for the rules (arrays become several claims).</summary>
    public List<string> Claims { get; init; } = ["tenant", "groups", "roles", "scope", "email", "name"];

    /// <summary>The callback path registered at the provider.</summary>
    public string CallbackPath { get; init; } = "/signin-oidc";

    /// <summary>Where the provider returns after sign-out.</summary>
    public string SignedOutCallbackPath { get; init; } = "/signout-callback-oidc";

    /// <summary>The session cookie.</summary>
    [ValidateObjectMembers]
    public SessionOptions Session { get; init; } = new();
}

/// <summary>The browser session cookie and the keys that protect it.</summary>
internal sealed record SessionOptions
{
    /// <summary>The cookie's name.</summary>
    [Required]
    public string CookieName { get; init; } = "gateway.session";

    /// <summary>How long a session lasts before the browser signs in again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>A folder shared by every instance for the Data Protection keys, so they share sessions. Empty keeps keys per process.</summary>
    public string? KeysDirectory { get; init; }
}

/// <summary>Checks data annotations on <see cref="BrowserSignInOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class BrowserSignInOptionsAnnotationsValidator : IValidateOptions<BrowserSignInOptions>;

/// <summary>Checks that browser sign-in, when on, can work, naming each bad setting.</summary>
internal sealed class BrowserSignInOptionsValidator : IValidateOptions<BrowserSignInOptions>
{
    public ValidateOptionsResult Validate(string? name, BrowserSignInOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new BrowserSignInOptionsAnnotationsValidator().Validate(BrowserSignInOptions.SectionName, options));
        if (options.Authority is null)
        {
            return builder.Build();
        }

        if (AuthorityAddress.Problem(options.Authority, options.RequireHttpsMetadata) is { } authorityProblem)
        {
            builder.AddError(authorityProblem, $"{BrowserSignInOptions.SectionName}:Authority");
        }

        if (string.IsNullOrEmpty(options.ClientId))
        {
            builder.AddError("is required when Authority is set", $"{BrowserSignInOptions.SectionName}:ClientId");
        }

        foreach (var (path, setting) in new[] { (options.CallbackPath, "CallbackPath"), (options.SignedOutCallbackPath, "SignedOutCallbackPath") })
        {
            if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal))
            {
                builder.AddError("must be a local path starting with '/'", $"{BrowserSignInOptions.SectionName}:{setting}");
            }
        }

        return builder.Build();
    }
}
