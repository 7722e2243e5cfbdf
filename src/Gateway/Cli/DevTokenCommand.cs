using System.Globalization;
using Gateway.Authentication;
using Gateway.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Cli;

/// <summary>
/// <c>token --sub alice --claim tenant=acme [--lifetime 01:00:00]</c>: mints a development token with the first HMAC key
/// of <c>Authentication:Jwt:SigningKeys</c>, for the configured issuer and audience.
/// </summary>
internal static class DevTokenCommand
{
    /// <summary>The command-line verb.</summary>
    public const string Verb = "token";

    /// <summary>The verb as help shows it.</summary>
    public static readonly CliCommand Command = new(
        Verb,
        "mint a development token for a subject and its claims",
        "Prints a JWT signed with the first HMAC key of Authentication:Jwt:SigningKeys, for the configured issuer and\n" +
        "audience, valid for --lifetime (one hour by default). Repeat --claim for a multi-valued claim. The demo key is\n" +
        "in config/gateway.Development.json, so this works in Development only, as `dotnet run` runs. Exit code 0, or 2.",
        "--sub SUBJECT [--claim NAME=VALUE]... [--lifetime HH:MM:SS]",
        $"{CommandLine.Program} --environment Development token --sub alice --claim tenant=acme --claim scope=storage:read",
        (args, output, error, environmentName) => Run(args, output, error, environmentName));

    /// <summary>
    /// Prints the token and returns 0, or prints why not and returns 2. The configuration is that of
    /// <paramref name="environmentName"/>, by default the one the environment variables name.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string? environmentName = null)
    {
        environmentName ??= CliConfiguration.EnvironmentName();
        string? subject = null;
        var lifetime = TimeSpan.FromHours(1);
        var claims = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--sub" when value is not null:
                    subject = value;
                    i++;
                    break;
                case "--claim" when CommandLine.TryParseClaim(value, out var claim):
                    if (!claims.TryGetValue(claim.Key, out var values))
                    {
                        claims[claim.Key] = values = [];
                    }

                    values.Add(claim.Value);
                    i++;
                    break;
                case "--lifetime" when TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out lifetime) && lifetime > TimeSpan.Zero:
                    i++;
                    break;
                default:
                    Command.WriteUsage(error);
                    return 2;
            }
        }

        if (subject is null)
        {
            Command.WriteUsage(error);
            return 2;
        }

        var configuration = CliConfiguration.Load(environmentName);
        var jwt = configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
        var hmac = jwt.SigningKeys.FirstOrDefault(k => !string.IsNullOrEmpty(k.Secret) && JwtSigningKeys.TryCreate(k) is SymmetricSecurityKey);
        if (hmac is null || jwt.Issuer is null || jwt.Audience is null)
        {
            error.WriteLine($"{JwtOptions.SectionName} needs Issuer, Audience and an HMAC signing key (Secret) to mint development tokens. " +
                $"The demo key applies only in the Development environment, and this is '{environmentName}' " +
                "(`dotnet run` passes --environment Development; or set ASPNETCORE_ENVIRONMENT=Development).");
            return 2;
        }

        if (!CliConfiguration.IsDevelopment(environmentName) && DemoSecrets.IsDemo(hmac.Secret))
        {
            // The server refuses to start with it here; a token signed with it must not look usable either.
            error.WriteLine($"{JwtOptions.SectionName}:SigningKeys:{jwt.SigningKeys.IndexOf(hmac)}:Secret {DemoSecrets.Problem}.");
            return 2;
        }

        var key = (SymmetricSecurityKey)JwtSigningKeys.TryCreate(hmac)!;

        // A claim given once is a string; given more than once, an array.
        var payload = claims.ToDictionary(pair => pair.Key, pair => pair.Value is [var single] ? (object)single : pair.Value.ToArray(), StringComparer.Ordinal);
        payload["sub"] = subject;
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = payload,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        output.WriteLine(token);
        return 0;
    }
}
