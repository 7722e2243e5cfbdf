using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.Audit;

namespace Gateway.Tests.Infrastructure;

/// <summary>Records every audit span the gateways in this process stop while it is alive (they share the test process).</summary>
internal sealed class AuditSpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public AuditSpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    /// <summary>The one span recorded for <paramref name="path"/>.</summary>
    public Activity For(string path) => Assert.Single(Spans, span => (string?)span.GetTagItem(AuditTags.UrlPath) == path);

    public void Dispose() => _listener.Dispose();
}
