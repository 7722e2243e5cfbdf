using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// One formatter for configuration problems, at start-up and on reload: each problem names its setting's path and
/// the value it was given (a secret setting's value is shown as redacted), and a JSON error gives its 1-based line
/// and column.
/// </summary>
internal static partial class ConfigurationProblems
{
    /// <summary>What a secret setting's value is shown as.</summary>
    public const string Redacted = "(redacted)";

    // Settings whose values are secrets, by the last segment of their path; Redis's configuration string can hold a password.
    private static readonly string[] s_secretSuffixes = ["Secret", "SecretKey", "Password", "Token", "SessionToken", "PrivateKeyPem", "ConnectionString"];
    private static readonly string[] s_secretSettings = ["Gateway:Redis:Configuration"];

    /// <summary>True when the value of the setting at <paramref name="path"/> must never be shown.</summary>
    public static bool IsSecret(string path)
    {
        var name = path[(path.LastIndexOf(':') + 1)..];
        return s_secretSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            || s_secretSettings.Any(secret => string.Equals(secret, path, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Where a JSON text breaks, 1-based, by position only: the reader's own message can quote a secret.</summary>
    public static string DescribeJson(JsonException ex) =>
        ex is { LineNumber: { } line, BytePositionInLine: { } position }
            ? $"not valid JSON at line {line + 1}, column {position + 1}"
            : "not valid JSON";

    /// <summary>
    /// Each failure of <paramref name="failures"/> as one line: the setting's path, its value (or that it is not set,
    /// or redacted), then what is wrong. Validators word failures in two ways, <c>Property PATH: message</c> and
    /// data annotations' <c>MEMBER: The field SECTION.MEMBER must ...</c>; both become <c>PATH = "value": message</c>.
    /// </summary>
    public static IReadOnlyList<string> Describe(IEnumerable<string> failures, IConfiguration? configuration) =>
        [.. failures.Select(failure => Describe(failure, configuration))];

    /// <summary>The one block a failed start writes on standard error.</summary>
    public static string Report(IReadOnlyList<string> problems, string? note = null)
    {
        var report = new StringBuilder();
        report.Append("The gateway cannot start: ")
            .Append(problems.Count == 1 ? "1 configuration problem." : $"{problems.Count} configuration problems.")
            .AppendLine();
        foreach (var problem in problems)
        {
            report.Append("  ").AppendLine(problem);
        }

        if (note is not null)
        {
            report.AppendLine(note);
        }

        return report.ToString();
    }

    private static string Describe(string failure, IConfiguration? configuration)
    {
        var (path, message) = Split(failure, configuration);
        if (path is null)
        {
            return message;
        }

        return $"{path}{Value(path, configuration)}: {message}";
    }

    /// <summary>The setting's path and what is wrong with it, or a null path when the failure names none.</summary>
    private static (string? Path, string Message) Split(string failure, IConfiguration? configuration)
    {
        if (PropertyFailure().Match(failure) is { Success: true } property)
        {
            var path = property.Groups["path"].Value;
            var message = property.Groups["message"].Value;

            // A route's metadata problem names the metadata key; the setting is that key under the route.
            if (MetadataFailure().Match(message) is { Success: true } metadata)
            {
                return ($"{path}:Metadata:{metadata.Groups["key"].Value}", metadata.Groups["message"].Value);
            }

            // A problem that starts with a setting under the path ("RateLimiterPolicy must ...") is that setting's.
            var space = message.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && configuration?.GetSection($"{path}:{message[..space]}").Value is not null)
            {
                return ($"{path}:{message[..space]}", message[(space + 1)..]);
            }

            return (path, message);
        }

        if (AnnotationFailure().Match(failure) is { Success: true } annotation)
        {
            // The owner is the options' section, or the options type's name when they were bound without one.
            var owner = annotation.Groups["owner"].Value;
            var member = annotation.Groups["member"].Value;
            var section = owner.Contains(':', StringComparison.Ordinal) || !owner.EndsWith("Options", StringComparison.Ordinal) ? owner : null;
            var path = section is null ? member : $"{section}:{member}";
            return (path, annotation.Groups["message"].Value.TrimEnd('.'));
        }

        return (null, failure);
    }

    private static string Value(string path, IConfiguration? configuration)
    {
        if (configuration is null)
        {
            return "";
        }

        var section = configuration.GetSection(path);
        if (section.Value is null)
        {
            // A section with settings under it has no value of its own; a leaf without one was not given.
            return section.GetChildren().Any() ? "" : " (not set)";
        }

        return IsSecret(path) ? $" {Redacted}" : $" = \"{section.Value}\"";
    }

    [GeneratedRegex(@"^Property (?<path>[^\s]+): (?<message>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex PropertyFailure();

    [GeneratedRegex(@"^Metadata '(?<key>[^']+)' (?<message>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex MetadataFailure();

    // "DefaultUrlLifetime: The field Gateway.DefaultUrlLifetime must be ..." and "Bucket: The Gateway:Stores:x.Bucket field is required."
    [GeneratedRegex(@"^(?<member>\w+): The (?:field )?(?<owner>[^\s]+)\.\k<member> (?:field )?(?<message>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AnnotationFailure();
}

/// <summary>
/// Start-up validation failed. <see cref="OptionsValidationException.Failures"/> name each setting without its value;
/// <see cref="Problems"/> are the same with each value (secrets redacted), for the operator's console.
/// </summary>
internal sealed class GatewayConfigurationException(IReadOnlyList<string> failures, IReadOnlyList<string> problems, string? note)
    : OptionsValidationException("Gateway", typeof(IConfiguration), failures)
{
    /// <summary>Each failure as <see cref="ConfigurationProblems.Describe(IEnumerable{string}, IConfiguration?)"/> words it.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>What may explain the problems (environment files that were not loaded), or null.</summary>
    public string? Note { get; } = note;
}

/// <summary>A configuration file that cannot be read or parsed; <see cref="Exception.Message"/> names the file and where it breaks, never its content.</summary>
internal sealed class ConfigurationFileException(string file, string problem) : IOException($"{file} is {problem}.")
{
    /// <summary>The file's name.</summary>
    public string File { get; } = file;
}
