using System.Collections.Concurrent;
using Gateway.Diagnostics;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace Gateway.Configuration;

/// <summary>
/// The configuration folder as the JSON configuration providers see it. A file removed or broken while the gateway
/// runs is served with its last good content, and an error is logged: ASP.NET Core's own provider would reload an
/// empty configuration instead and, with it, drop every route. At start-up a missing or broken file still fails.
/// </summary>
internal sealed partial class LastGoodConfigurationFiles(string directory) : IFileProvider, IDisposable
{
    private readonly PhysicalFileProvider _files = new(directory);
    private readonly ConcurrentDictionary<string, byte[]> _lastGood = new(StringComparer.Ordinal);
    private ILogger _logger = NullLogger.Instance;

    /// <summary>Logs from now on with <paramref name="logger"/>; the files are read before the host's logging exists.</summary>
    public void UseLogger(ILogger<LastGoodConfigurationFiles> logger) => _logger = logger;

    public IFileInfo GetFileInfo(string subpath)
    {
        var file = _files.GetFileInfo(subpath);
        if (!_lastGood.TryGetValue(subpath, out var lastGood))
        {
            // First load: a bad file stops start-up, described as a reload would describe it.
            if (!file.Exists)
            {
                return file;
            }

            if (!TryRead(file, out var first, out var firstProblem))
            {
                throw new ConfigurationFileException(Path.Combine(directory, subpath), firstProblem);
            }

            _lastGood[subpath] = first;
            return new ContentFileInfo(file, first);
        }

        if (!file.Exists)
        {
            Log.FileRemoved(_logger, subpath);
            return new ContentFileInfo(file, lastGood);
        }

        if (!TryRead(file, out var content, out var problem))
        {
            Log.FileRejected(_logger, subpath, problem);
            return new ContentFileInfo(file, lastGood);
        }

        _lastGood[subpath] = content;
        return new ContentFileInfo(file, content);
    }

    public IDirectoryContents GetDirectoryContents(string subpath) => _files.GetDirectoryContents(subpath);

    public IChangeToken Watch(string filter) => _files.Watch(filter);

    public void Dispose() => _files.Dispose();

    /// <summary>Reads the file whole and parses it as the JSON provider will; the problem names what is wrong, never a value.</summary>
    private static bool TryRead(IFileInfo file, out byte[] content, out string problem)
    {
        try
        {
            content = File.ReadAllBytes(file.PhysicalPath!);
            using var stream = new MemoryStream(content, writable: false);
            new JsonStreamConfigurationProvider(new JsonStreamConfigurationSource()).Load(stream);
            problem = "";
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException)
        {
            content = [];
            problem = Describe(ex);
            return false;
        }
    }

    // Where the JSON breaks, by position only: the reader's own message quotes the offending text, which may be part of a secret.
    // The configuration parser's messages name settings (a duplicate key, a top level that is not an object), never values.
    private static string Describe(Exception ex) => (ex.InnerException ?? ex) switch
    {
        System.Text.Json.JsonException json => ConfigurationProblems.DescribeJson(json),
        FormatException format => format.Message,
        var other => other.GetType().Name,
    };

    /// <summary>A file's name and time with content read once, so what was checked is exactly what gets loaded.</summary>
    private sealed class ContentFileInfo(IFileInfo file, byte[] content) : IFileInfo
    {
        public bool Exists => true;

        public long Length => content.Length;

        public string? PhysicalPath => null;

        public string Name => file.Name;

        public DateTimeOffset LastModified => file.Exists ? file.LastModified : DateTimeOffset.UtcNow;

        public bool IsDirectory => false;

        public Stream CreateReadStream() => new MemoryStream(content, writable: false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ConfigurationFileRemoved, Level = LogLevel.Error, Message = "The configuration file {File} was removed; its last good version stays in force.")]
        public static partial void FileRemoved(ILogger logger, string file);

        [LoggerMessage(EventId = LogEvents.ConfigurationFileRejected, Level = LogLevel.Error, Message = "The configuration file {File} was rejected; its last good version stays in force. Error: {Problem}")]
        public static partial void FileRejected(ILogger logger, string file, string problem);
    }
}
