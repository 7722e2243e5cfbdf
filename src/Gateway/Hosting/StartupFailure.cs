using System.Text.RegularExpressions;
using Gateway.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>
/// Turns the failures a person can fix (bad settings, a broken configuration file, an address in use) into one plain
/// block for standard error, without a stack trace. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static partial class StartupFailure
{
    /// <summary>The block to print for <paramref name="exception"/>, or null when it is not a configuration or address problem.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        GatewayConfigurationException configuration => ConfigurationProblems.Report(configuration.Problems, configuration.Note),
        OptionsValidationException validation => ConfigurationProblems.Report(ConfigurationProblems.Describe(validation.Failures, configuration: null)),
        ConfigurationFileException file => ConfigurationProblems.Report([file.Message]),
        DirectoryNotFoundException folder => ConfigurationProblems.Report([folder.Message]),
        IOException { InnerException: AddressInUseException } inUse => AddressInUse(inUse),
        _ => null,
    };

    private static string AddressInUse(IOException exception)
    {
        var address = BindFailure().Match(exception.Message) is { Success: true } match ? match.Groups["address"].Value : "the address";
        var another = Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Port < ushort.MaxValue
            ? new UriBuilder(uri) { Port = uri.Port + 1 }.Uri.GetLeftPart(UriPartial.Authority)
            : "http://127.0.0.1:8081";
        return $"The gateway cannot start: {address} is already in use by another process.{Environment.NewLine}" +
            $"Stop that process, or listen on another address with --urls, for example: --urls {another}{Environment.NewLine}";
    }

    // Kestrel: "Failed to bind to address http://127.0.0.1:8080: address already in use."
    [GeneratedRegex(@"^Failed to bind to address (?<address>\S+?):? address already in use", RegexOptions.CultureInvariant)]
    private static partial Regex BindFailure();
}
