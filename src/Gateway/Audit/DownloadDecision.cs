using Gateway.Routing;
using Gateway.Rules;

namespace Gateway.Audit;

/// <summary>
/// The one audit record of a request to a download route, kept on the <see cref="HttpContext"/> as a request feature.
/// The audit middleware opens it when a download route matches and emits it once when the request ends; every step
/// in between only sets the reason and what it learned.
/// </summary>
internal sealed class DownloadDecision(DownloadRoute route, DateTimeOffset openedAt)
{
    /// <summary>The download route the request matched.</summary>
    public DownloadRoute Route { get; } = route;

    /// <summary>When the record was opened; the audit span starts then.</summary>
    public DateTimeOffset OpenedAt { get; } = openedAt;

    /// <summary>Why the request was answered as it was; <see cref="DecisionReason.Unfinished"/> until a step decides.</summary>
    public DecisionReason Reason { get; private set; }

    /// <summary>The rule that decided, or <see cref="AccessDecisions.DefaultDeny"/> when none did.</summary>
    public string RuleId { get; private set; } = AccessDecisions.DefaultDeny;

    /// <summary>The version of the rules that decided, or null when the rules were not asked.</summary>
    public string? RulesVersion { get; private set; }

    /// <summary>The signed object key; null until signed.</summary>
    public string? ObjectKey { get; private set; }

    /// <summary>The signed URL's bucket; null until signed.</summary>
    public string? Bucket { get; private set; }

    /// <summary>When the signed URL stops working; null until signed.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>The kind of keys that signed (static, temporary); null until signed.</summary>
    public string? CredentialKind { get; private set; }

    /// <summary>What signed the link: <c>cos</c>, <c>s3</c>, or a CDN signer such as <c>cloudfront</c>; null until signed.</summary>
    public string? Signer { get; private set; }

    /// <summary>The key prefix of a folder page; null for a download.</summary>
    public string? ListingPrefix { get; private set; }

    /// <summary>How many names a folder page showed.</summary>
    public int ListingEntries { get; private set; }

    /// <summary>What was wrong, for the caller's error answer (not audited); null for the reason's default. Never a secret.</summary>
    public string? Detail { get; private set; }

    /// <summary>Sets the reason; a later step may overrule an earlier one (an allow that then failed to sign).</summary>
    public void Decide(DecisionReason reason, string? detail = null)
    {
        Reason = reason;
        Detail = detail;
    }

    /// <summary>Sets the rules' answer as the reason.</summary>
    public void Decide(in AccessDecision decision)
    {
        Reason = DecisionReasons.From(decision);
        Detail = null;
        RuleId = decision.RuleId;
        RulesVersion = decision.Version;
    }

    /// <summary>Records what was signed: never the URL, only its bucket, key, expiry, the kind of keys and the signer.</summary>
    public void Signed(string bucket, string objectKey, DateTimeOffset expiresAt, string credentialKind, string signer)
    {
        Signer = signer;
        Bucket = bucket;
        ObjectKey = objectKey;
        ExpiresAt = expiresAt;
        CredentialKind = credentialKind;
    }

    /// <summary>Records a folder page: the bucket, the key prefix listed and how many names were shown.</summary>
    public void Listed(string bucket, string prefix, int entries)
    {
        Bucket = bucket;
        ListingPrefix = prefix;
        ListingEntries = entries;
    }
}

/// <summary>Finds the request's <see cref="DownloadDecision"/>.</summary>
internal static class DownloadDecisionExtensions
{
    /// <summary>The record of a request to a download route, or null for any other request.</summary>
    public static DownloadDecision? GetDownloadDecision(this HttpContext context) => context.Features.Get<DownloadDecision>();
}
