namespace Gateway.Rules;

/// <summary>The rules' answer to one <see cref="AccessRequest"/>.</summary>
/// <param name="Allowed">True when an allow rule matched and no deny rule did.</param>
/// <param name="RuleId">The deciding rule's id, <see cref="AccessDecisions.DefaultDeny"/> or <see cref="AccessDecisions.EvaluationError"/>.</param>
/// <param name="Version">The version of the rules that answered.</param>
/// <param name="Error">Why evaluation failed (the request is then denied); null otherwise. Never holds a claim or key value.</param>
internal readonly record struct AccessDecision(bool Allowed, string RuleId, string Version, string? Error);

/// <summary>The rule ids that no rule file can use, because the engine reports them itself.</summary>
internal static class AccessDecisions
{
    /// <summary>No rule matched, so the request is denied.</summary>
    public const string DefaultDeny = "default-deny";

    /// <summary>Evaluation threw, so the request is denied.</summary>
    public const string EvaluationError = "evaluation-error";
}
