namespace Gateway.Audit;

/// <summary>Why a download was decided the way it was: every reason any step can give, in one list.</summary>
internal enum DecisionReason
{
    /// <summary>No step decided: the request failed or was cut off before an answer.</summary>
    Unfinished,

    /// <summary>A method other than GET or HEAD (405).</summary>
    MethodNotAllowed,

    /// <summary>The route needs a signed-in caller and there was none (401).</summary>
    Unauthenticated,

    /// <summary>The route's signing limit was used up (429).</summary>
    RateLimited,

    /// <summary>The route's authorization policy refused the caller (403).</summary>
    Policy,

    /// <summary>The route values make no valid object key (400).</summary>
    InvalidKey,

    /// <summary>The download options (name, type, disposition) are invalid (400).</summary>
    InvalidOptions,

    /// <summary>The signer refused the key (400).</summary>
    UnsignableKey,

    /// <summary>A deny rule matched (403, or 401 for an anonymous caller).</summary>
    RuleDeny,

    /// <summary>No allow rule matched (403, or 401 for an anonymous caller).</summary>
    DefaultDeny,

    /// <summary>The rules could not be evaluated, so the request is denied (403).</summary>
    EvaluationError,

    /// <summary>The existence check found no such object (404).</summary>
    ObjectMissing,

    /// <summary>The existence check could not reach the store and the route fails closed (502).</summary>
    StoreUnreachable,

    /// <summary>The store's signing keys could not be obtained (503).</summary>
    CredentialsUnavailable,

    /// <summary>The store's signing keys have expired (503).</summary>
    CredentialsExpired,

    /// <summary>The route binds its CDN link to the caller's IPv4 range and the caller has no IPv4 address (403).</summary>
    ClientAddressUnsupported,

    /// <summary>An allow rule matched and the link was signed.</summary>
    RuleAllow,

    /// <summary>The store did not answer a listing in time (504).</summary>
    StoreTimeout,

    /// <summary>A folder page was shown, with the names the caller may open.</summary>
    Listed,

    /// <summary>A folder holds nothing the caller may open: empty, missing or all denied, alike (404).</summary>
    NothingListed,
}

/// <summary>What each <see cref="DecisionReason"/> means on the wire: its audit name, outcome, status and title.</summary>
internal static class DecisionReasons
{
    /// <summary>The reason the rules' answer gives.</summary>
    public static DecisionReason From(in Rules.AccessDecision access) =>
        access.Error is not null ? DecisionReason.EvaluationError
        : access.Allowed ? DecisionReason.RuleAllow
        : access.RuleId == Rules.AccessDecisions.DefaultDeny ? DecisionReason.DefaultDeny
        : DecisionReason.RuleDeny;

    /// <summary>The reason as audit records and metrics name it.</summary>
    public static string Name(this DecisionReason reason) => reason switch
    {
        DecisionReason.Unfinished => "unfinished",
        DecisionReason.MethodNotAllowed => "method-not-allowed",
        DecisionReason.Unauthenticated => "unauthenticated",
        DecisionReason.RateLimited => "rate-limited",
        DecisionReason.Policy => "policy",
        DecisionReason.InvalidKey => "invalid-key",
        DecisionReason.InvalidOptions => "invalid-options",
        DecisionReason.UnsignableKey => "unsignable-key",
        DecisionReason.RuleDeny => "rule-deny",
        DecisionReason.DefaultDeny => "default-deny",
        DecisionReason.EvaluationError => "evaluation-error",
        DecisionReason.ObjectMissing => "object-missing",
        DecisionReason.StoreUnreachable => "store-unreachable",
        DecisionReason.CredentialsUnavailable => "credentials-unavailable",
        DecisionReason.CredentialsExpired => "credentials-expired",
        DecisionReason.ClientAddressUnsupported => "client-address-unsupported",
        DecisionReason.RuleAllow => "rule-allow",
        DecisionReason.StoreTimeout => "store-timeout",
        DecisionReason.Listed => "listed",
        DecisionReason.NothingListed => "nothing-listed",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>
    /// True when a rule made or stood behind the decision: the rules' own answers, and the failures after a rule
    /// allowed (signing, the existence check, the keys). A 401, 405, 429, a route policy or a bad key is decided before
    /// any rule, so its record names no rule.
    /// </summary>
    public static bool IsRuled(this DecisionReason reason, bool rulesAsked) => reason switch
    {
        DecisionReason.RuleAllow or DecisionReason.RuleDeny or DecisionReason.DefaultDeny or DecisionReason.EvaluationError => true,
        DecisionReason.ObjectMissing or DecisionReason.StoreUnreachable or DecisionReason.CredentialsUnavailable
            or DecisionReason.CredentialsExpired or DecisionReason.UnsignableKey or DecisionReason.InvalidOptions => rulesAsked,
        _ => false,
    };

    /// <summary>The audit outcome: <c>allow</c>, <c>deny</c>, or <c>error</c> when the gateway, not the caller, failed.</summary>
    public static string Outcome(this DecisionReason reason) => reason switch
    {
        DecisionReason.RuleAllow or DecisionReason.Listed => AuditDecisions.Allow,
        DecisionReason.Unfinished or DecisionReason.StoreUnreachable or DecisionReason.StoreTimeout or DecisionReason.CredentialsUnavailable or DecisionReason.CredentialsExpired => AuditDecisions.Error,
        _ => AuditDecisions.Deny,
    };

    /// <summary>The status, title and default detail a refusal for this reason answers with; details never hold a secret.</summary>
    public static (int Status, string Title, string Detail) Refusal(this DecisionReason reason) => reason switch
    {
        DecisionReason.MethodNotAllowed => (StatusCodes.Status405MethodNotAllowed, "Method not allowed", "Download routes answer GET and HEAD only."),
        DecisionReason.Unauthenticated => (StatusCodes.Status401Unauthorized, "Authentication required", "This download needs a signed-in caller."),
        DecisionReason.RateLimited => (StatusCodes.Status429TooManyRequests, "Too many requests", "Try again later."),
        DecisionReason.Policy => (StatusCodes.Status403Forbidden, "Forbidden", "The caller may not use this route."),
        DecisionReason.RuleDeny or DecisionReason.DefaultDeny or DecisionReason.EvaluationError => (StatusCodes.Status403Forbidden, "Forbidden", "The caller may not download this object."),
        DecisionReason.InvalidKey => (StatusCodes.Status400BadRequest, "Invalid object key", "The path maps to no valid object key."),
        DecisionReason.UnsignableKey => (StatusCodes.Status400BadRequest, "Invalid object key", "The object key cannot be signed."),
        DecisionReason.InvalidOptions => (StatusCodes.Status400BadRequest, "Invalid download options", "The download options are invalid."),
        DecisionReason.ObjectMissing => (StatusCodes.Status404NotFound, "Not found", "The file does not exist."),
        DecisionReason.StoreUnreachable => (StatusCodes.Status502BadGateway, "Storage unavailable", "The storage service could not be reached."),
        DecisionReason.StoreTimeout => (StatusCodes.Status504GatewayTimeout, "Storage timed out", "The storage service did not answer in time."),
        DecisionReason.NothingListed => (StatusCodes.Status404NotFound, "Not found", "There is nothing here you can open."),
        DecisionReason.CredentialsUnavailable => (StatusCodes.Status503ServiceUnavailable, "Storage credentials unavailable", "The gateway cannot sign downloads right now."),
        DecisionReason.CredentialsExpired => (StatusCodes.Status503ServiceUnavailable, "Storage credentials expired", "The gateway cannot sign downloads right now."),
        DecisionReason.ClientAddressUnsupported => (StatusCodes.Status403Forbidden, "Address not supported", "This download's link is bound to the caller's IPv4 address; connect over IPv4."),
        _ => (StatusCodes.Status500InternalServerError, "Something went wrong", "The gateway could not complete the request."),
    };
}
