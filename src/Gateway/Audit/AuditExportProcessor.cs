using System.Diagnostics;
using System.Threading.Channels;
using Gateway.Diagnostics;
using OpenTelemetry;

namespace Gateway.Audit;

/// <summary>
/// Exports finished spans from a bounded queue on a thread of its own, so a request never waits on the collector: the
/// exporter sends synchronously, and on a thread-pool thread a slow collector would hold back the requests queued behind it.
/// When the queue is full or an export fails, the spans are counted on <c>gateway.telemetry.dropped</c> and
/// <c>gateway.telemetry.export.failures</c> and a warning is logged at most once per interval; the next batch
/// goes out as soon as the collector answers again.
/// </summary>
internal sealed partial class AuditExportProcessor : BaseExportProcessor<Activity>
{
    /// <summary>The most spans held while the collector is slow or away.</summary>
    public const int QueueCapacity = 8192;

    // A full batch goes at once: on a busy gateway spans then wait milliseconds, and are collected young instead of
    // being promoted through the GC's generations while a larger batch fills. The SDK's own default size.
    private const int MaxBatchSize = 512;

    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    private readonly GatewayTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<Activity> _queue;
    private readonly AutoResetEvent _batchReady = new(initialState: false);
    private readonly Thread _exportThread;
    private int _queued;
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
            _ =>
            {
                // A dropped span is not queued, though the write that dropped it reports success.
                Interlocked.Decrement(ref _queued);
                Lost(1, "queue-full");
            });
        _exportThread = new Thread(ExportLoop) { IsBackground = true, Name = "Gateway audit export" };
        _exportThread.Start();
    }

    protected override void OnExport(Activity data)
    {
        // Exactly one writer sees the queue reach a full batch, and wakes the exporter.
        if (data.Recorded && _queue.Writer.TryWrite(data) && Interlocked.Increment(ref _queued) == MaxBatchSize)
        {
            _batchReady.Set();
        }
    }

    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        _batchReady.Set();
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
        _batchReady.Set();
        var finished = _exportThread.Join(timeoutMilliseconds < 0 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(timeoutMilliseconds));
        return exporter.Shutdown(timeoutMilliseconds) && finished;
    }

    private void ExportLoop()
    {
        var batch = new Activity[MaxBatchSize];
        var reader = _queue.Reader;

        // Blocking is right on this thread: it is the exporter's own.
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            // Let spans gather for up to the schedule delay, so a quiet gateway sends batches rather than one request per
            // span; a full batch, a flush or the shutdown wakes the thread at once.
            if (Volatile.Read(ref _queued) < MaxBatchSize && !reader.Completion.IsCompleted)
            {
                _batchReady.WaitOne(_scheduleDelay);
            }

            var count = 0;
            while (count < batch.Length && reader.TryRead(out var activity))
            {
                batch[count++] = activity;
            }

            Interlocked.Add(ref _queued, -count);
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
