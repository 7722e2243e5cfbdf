namespace Gateway.Diagnostics;

/// <summary>Every event id the gateway logs with, in one place.</summary>
internal static class LogEvents
{
    public const int Starting = 1000;
    public const int CredentialsUnavailable = 1001;
    public const int CredentialsExpired = 1002;
    public const int SigningRejected = 1003;
    public const int PermanentKey = 1010;
    public const int CredentialsRefreshed = 1011;
    public const int CredentialsRefreshFailed = 1012;
    public const int ConfigurationFileRemoved = 1100;
    public const int ConfigurationFileRejected = 1101;
    public const int RulesLoaded = 1200;
    public const int RulesRejected = 1201;
    public const int RulesUnreadable = 1202;
    public const int IdentityProviderUnreachable = 1300;
    public const int AuditDecision = 1400;
    public const int TelemetryLost = 1401;
    public const int AuditListing = 1402;
    public const int ListingFailed = 1403;
    public const int RedisUnreachable = 1500;
    public const int RedisRestored = 1501;
    public const int Unhandled = 1900;
    public const int BadRequestThrown = 1901;
}
