namespace Gateway.Audit;

/// <summary>What audit records carry besides the fixed fields: the <c>Gateway:Audit</c> section.</summary>
internal sealed record AuditOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Audit";

    /// <summary>Claim types recorded on each audit record as <c>gateway.claim.&lt;type&gt;</c>, besides <c>sub</c>.</summary>
    public List<string> Claims { get; init; } = ["tenant"];

    /// <summary>
    /// Continue the trace a caller's <c>traceparent</c> names. Off by default: turn it on only when every caller is
    /// trusted, such as a proxy or service mesh in front of the gateway that sets the header itself.
    /// </summary>
    public bool TrustIncomingTraceContext { get; init; }
}
