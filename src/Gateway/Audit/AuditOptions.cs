namespace Gateway.Audit;

/// <summary>What audit records carry besides the fixed fields: the <c>Gateway:Audit</c> section.</summary>
internal sealed record AuditOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Audit";

    /// <summary>Claim types recorded on each audit record as <c>gateway.claim.&lt;type&gt;</c>, besides <c>sub</c>.</summary>
    public List<string> Claims { get; init; } = ["tenant"];
}
