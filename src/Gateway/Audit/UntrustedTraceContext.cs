using System.Diagnostics;

namespace Gateway.Audit;

/// <summary>
/// The gateway faces the internet, so a caller's <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> are not
/// trusted by default: otherwise a caller could file its audit records under another request's trace, or force
/// sampling of everything it sends. Each request starts its own trace; outgoing calls still carry the gateway's.
/// </summary>
internal sealed class UntrustedTraceContext : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator Outgoing = CreateDefaultPropagator();

    public override IReadOnlyCollection<string> Fields => Outgoing.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        Outgoing.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
