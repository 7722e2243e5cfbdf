namespace Gateway.Diagnostics;

/// <summary>Every event id the gateway logs with, in one place.</summary>
internal static class LogEvents
{
    public const int CredentialsUnavailable = 1001;
    public const int CredentialsExpired = 1002;
    public const int SigningRejected = 1003;
}
