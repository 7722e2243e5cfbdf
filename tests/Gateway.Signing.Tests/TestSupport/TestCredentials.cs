using Gateway.Signing.Credentials;

namespace Gateway.Signing.Tests.TestSupport;

/// <summary>Recognisable keys, so a test can look for them in places they must never appear.</summary>
internal static class TestCredentials
{
    public const string AccessKeyId = "AKIDTESTACCESSKEY";
    public const string SecretKey = "Secret/Key+ThatMustNeverLeak";
    public const string SessionToken = "Session+Token/ThatMustNeverLeak==";

    public static StorageCredentials Permanent { get; } = new() { AccessKeyId = AccessKeyId, SecretKey = SecretKey };

    public static StorageCredentials Temporary { get; } = new()
    {
        AccessKeyId = AccessKeyId,
        SecretKey = SecretKey,
        SessionToken = SessionToken,
        Expiration = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    public static StorageCredentials WithSecret(string secret) => new() { AccessKeyId = AccessKeyId, SecretKey = secret };
}
