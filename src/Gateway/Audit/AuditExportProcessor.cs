using System.Diagnostics;
using System.Threading.Channels;
using Gateway.Diagnostics;
using OpenTelemetry;

namespace Gateway.Audit;

/// <summary>
/// Exports finished spans from a bounded queue on a background task, so a request never waits on the collector.
/// When the queue is full or an export fails, the spans are counted on <c>gateway.telemetry.dropped</c> and
/// <c>gateway.telemetry.export.failures</c> and a warning is logged at most once per interval; the next batch
/// goes out as soon as the collector answers again.
/// </summary>
internal sealed partial class AuditExportProcessor : BaseExportProcessor<Activity>
{
    /// <summary>The most spans held while the collector is slow or away.</summary>
    public const int QueueCapacity = 8192;

    // Large enough that one export per few hundred milliseconds keeps up with a busy gateway; a request body of a
    // few megabytes at most.
    private const int MaxBatchSize = 2048;

    // While spans gather, how often to look whether a full batch is ready.
    private static readonly TimeSpan GatherPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    private readonly GatewayTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<Activity> _queue;
    private readonly Task _exportLoop;
    private readonly TimeSpan _scheduleDelay;
    private long _lastWarningTicks = long.MinValue;
    private long _unreportedLost;

    // Deriving from BaseExportProcessor gives the exporter its provider, so spans carry the service's resource.
    public AuditExportProcessor(BaseExporter<Activity> exporter, TimeSpan scheduleDelay, GatewayTelemetry telemetry, TimeProvider time, ILogger<AuditExportProcessor> logger)
        : base(exporter)
    {
        _scheduleDelay = scheduleDelay;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<Activity>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Lost(1, "queue-full"));
        _exportLoop = Task.Run(ExportLoopAsync);
    }

    protected override void OnExport(Activity data)
    {
        if (data.Recorded)
        {
            _queue.Writer.TryWrite(data);
        }
    }

    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        var deadline = Stopwatch.GetTimestamp() + (timeoutMilliseconds < 0 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(timeoutMilliseconds)).Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        while (_queue.Reader.Count > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(10);
        }

        return exporter.ForceFlush(timeoutMilliseconds) && _queue.Reader.Count == 0;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        _queue.Writer.TryComplete();
        var finished = _exportLoop.Wait(timeoutMilliseconds < 0 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(timeoutMilliseconds));
        return exporter.Shutdown(timeoutMilliseconds) && finished;
    }

    private async Task ExportLoopAsync()
    {
        var batch = new Activity[MaxBatchSize];
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Let spans gather for up to the schedule delay, so a quiet gateway sends batches rather than one request per
            // span; a full batch goes at once, so a busy gateway never sleeps while its queue fills.
            var gathering = _time.GetTimestamp();
            while (reader.Count < MaxBatchSize && !reader.Completion.IsCompleted && _time.GetElapsedTime(gathering) < _scheduleDelay)
            {
                await Task.Delay(GatherPollInterval, _time).ConfigureAwait(false);
            }

            var count = 0;
            while (count < batch.Length && reader.TryRead(out var activity))
            {
                batch[count++] = activity;
            }

            ExportResult result;
            try
            {
                result = exporter.Export(new Batch<Activity>(batch, count));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                result = ExportResult.Failure;
            }

            Array.Clear(batch, 0, count);
            if (result != ExportResult.Success)
            {
                _telemetry.ExportFailures.Add(count);
                Lost(count, "export-failed");
            }
        }
    }

    private void Lost(int count, string reason)
    {
        if (reason == "queue-full")
        {
            _telemetry.Dropped.Add(count);
        }

        Interlocked.Add(ref _unreportedLost, count);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarningTicks);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= WarningInterval)
            && Interlocked.CompareExchange(ref _lastWarningTicks, now, last) == last)
        {
            Log.SpansLost(_logger, Interlocked.Exchange(ref _unreportedLost, 0), reason);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TelemetryLost, Level = LogLevel.Warning, Message = "{Count} audit spans could not be exported ({Reason}); counted on gateway.telemetry metrics. Requests are not affected.")]
        public static partial void SpansLost(ILogger logger, long count, string reason);
    }
}
