using System.Diagnostics.Metrics;
using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Diagnostics;
using Gateway.Rules;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gateway.Authorization;

/// <summary>
/// Holds the active <see cref="RuleSet"/> and swaps in a new one, whole, when the rules file changes.
/// A request reads <see cref="Current"/> once, so it never sees a half-loaded set. An invalid edit, or a
/// removed file, is logged with what is wrong and the last good rules stay in force.
/// </summary>
internal sealed partial class RuleSetProvider : IDisposable
{
    private readonly string _path;
    private readonly PhysicalFileProvider _files;
    private readonly IDisposable _watch;
    private readonly ILogger<RuleSetProvider> _logger;
    private readonly Lock _reloading = new();
    private RuleSet _current;

    public RuleSetProvider(IOptions<GatewayAuthorizationOptions> options, IConfiguration configuration, GatewayTelemetry telemetry, ILogger<RuleSetProvider> logger)
    {
        _logger = logger;
        _path = Path.GetFullPath(GatewayConfigurationSources.ResolvePath(configuration, options.Value.Rules.File));
        _current = LoadAtStartup(_path);
        Log.RulesLoaded(logger, _current.Version, _current.Count);

        _files = new PhysicalFileProvider(Path.GetDirectoryName(_path)!);
        var fileName = Path.GetFileName(_path);
        _watch = ChangeToken.OnChange(() => _files.Watch(fileName), Reload);

        telemetry.Meter.CreateObservableGauge(
            "gateway.rules.active",
            () => new Measurement<int>(Current.Count, new KeyValuePair<string, object?>(AuditTags.RulesVersion, Current.Version)),
            "{rule}",
            "The number of active authorization rules, tagged with the rules version.");
    }

    /// <summary>The rules in force.</summary>
    public RuleSet Current => Volatile.Read(ref _current);

    /// <summary>Reads the file again; keeps the current rules when it is unreadable or invalid.</summary>
    public void Reload()
    {
        lock (_reloading)
        {
            string text;
            try
            {
                text = File.ReadAllText(_path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.RulesUnreadable(_logger, Current.Version, ex.GetType().Name);
                return;
            }

            try
            {
                var rules = RuleSetParser.Parse(text);
                if (rules.Version != Current.Version)
                {
                    Volatile.Write(ref _current, rules);
                    Log.RulesLoaded(_logger, rules.Version, rules.Count);
                }
            }
            catch (RulesValidationException ex)
            {
                // Worded as at start-up.
                Log.RulesRejected(_logger, Current.Version, string.Join("; ", Problems(ex)));
            }
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        _files.Dispose();
    }

    /// <summary>
    /// Reads and parses the rules file at <paramref name="path"/>: the rules, or null with every problem, each naming the
    /// setting. Reads only, so configuration validation can call it before the provider exists.
    /// </summary>
    internal static RuleSet? TryLoad(string path, out IReadOnlyList<string> problems)
    {
        if (!File.Exists(path))
        {
            problems = [$"{RulesOptions.FileSetting} names a file that does not exist."];
            return null;
        }

        try
        {
            problems = [];
            return RuleSetParser.Parse(File.ReadAllText(path));
        }
        catch (RulesValidationException ex)
        {
            problems = Problems(ex);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems = [$"{RulesOptions.FileSetting} names a file that cannot be read ({ex.GetType().Name})."];
            return null;
        }
    }

    private static string[] Problems(RulesValidationException ex) => [.. ex.Errors.Select(error => $"Rules file: {error}")];

    private static RuleSet LoadAtStartup(string path) =>
        TryLoad(path, out var problems) ?? throw new OptionsValidationException(RulesOptions.FileSetting, typeof(RulesOptions), problems);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.RulesLoaded, Level = LogLevel.Information, Message = "Authorization rules version {RulesVersion} is active ({RuleCount} rules).")]
        public static partial void RulesLoaded(ILogger logger, string rulesVersion, int ruleCount);

        [LoggerMessage(EventId = LogEvents.RulesRejected, Level = LogLevel.Error, Message = "The edited rules file was rejected; version {RulesVersion} stays in force. Errors: {Errors}")]
        public static partial void RulesRejected(ILogger logger, string rulesVersion, string errors);

        [LoggerMessage(EventId = LogEvents.RulesUnreadable, Level = LogLevel.Error, Message = "The rules file cannot be read ({ErrorType}); version {RulesVersion} stays in force.")]
        public static partial void RulesUnreadable(ILogger logger, string rulesVersion, string errorType);
    }
}
