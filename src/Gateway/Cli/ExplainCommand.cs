using Gateway.Authorization;
using Gateway.Hosting;
using Gateway.Rules;

namespace Gateway.Cli;

/// <summary>
/// <c>explain METHOD PATH [--claim NAME=VALUE]... [--anonymous] [--host HOST]</c>: prints whether the configured rules
/// allow the request and which rule decides, using the server's own routing and decider.
/// </summary>
internal static class ExplainCommand
{
    /// <summary>The command-line verb.</summary>
    public const string Verb = "explain";

    /// <summary>The verb as help shows it.</summary>
    public static readonly CliCommand Command = new(
        Verb,
        "say whether the rules allow a request, and which rule decides",
        "Runs METHOD PATH through the server's own routing, route policy and rules, for a caller with the given claims\n" +
        "(or --anonymous), without starting the server or asking a store. Prints the decision, the reason, the deciding\n" +
        "rule, the rules version, the route and the object key. Exit code 0 when allowed, 1 when denied, 2 on bad\n" +
        "arguments or configuration.",
        "METHOD PATH [--claim NAME=VALUE]... [--anonymous] [--host HOST]",
        $"{CommandLine.Program} --environment Development explain GET /files/globex/secret.pdf --claim tenant=acme --claim scope=storage:read",
        (args, output, error, environmentName) => Run(args, output, error, environmentName));

    /// <summary>
    /// Returns 0 when allowed, 1 when denied, 2 on bad arguments or configuration.
    /// The configuration is that of <paramref name="environmentName"/>, by default the one the environment variables name.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string? environmentName = null)
    {
        if (args is not [var method, var path, .. var rest])
        {
            Command.WriteUsage(error);
            return 2;
        }

        var claims = new List<KeyValuePair<string, string>>();
        var anonymous = false;
        var host = default(HostString);
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == "--anonymous")
            {
                anonymous = true;
            }
            else if (rest[i] == "--host" && i + 1 < rest.Length)
            {
                host = new HostString(rest[++i]);
            }
            else if (rest[i] == "--claim" && i + 1 < rest.Length && CommandLine.TryParseClaim(rest[i + 1], out var claim))
            {
                claims.Add(claim);
                i++;
            }
            else
            {
                Command.WriteUsage(error);
                return 2;
            }
        }

        using var app = CliApp.TryBuild(error, environmentName ?? CliConfiguration.EnvironmentName());
        if (app is null)
        {
            return 2;
        }

        var caller = anonymous ? Caller.Anonymous : Caller.FromClaims(claims);
        var answer = RuleExplainer.ExplainAsync(
            app.Services.GetRequiredService<InProcessRequests>(), app.Services.GetRequiredService<RuleSetProvider>().Current, method, path, host, caller)
            .GetAwaiter().GetResult();
        output.WriteLine($"decision:      {(answer.Allowed ? "allow" : "deny")}");
        output.WriteLine($"reason:        {answer.Reason}");
        output.WriteLine($"rule:          {answer.RuleId ?? "-"}");
        output.WriteLine($"rules version: {answer.RulesVersion}");
        output.WriteLine($"route:         {answer.RouteId ?? "-"}");
        output.WriteLine($"route policy:  {answer.RoutePolicy ?? "(authenticated caller)"}");
        output.WriteLine($"object key:    {answer.ObjectKey ?? "-"}");
        return answer.Allowed ? 0 : 1;
    }
}
