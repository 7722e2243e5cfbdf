using System.Text;
using System.Text.RegularExpressions;
using WireMock.Server;

namespace Gateway.Tests.Infrastructure;

/// <summary>What must never leave the gateway in telemetry: secrets, signatures, tokens, cookies, signed URLs.</summary>
internal static class SecretScan
{
    /// <summary>The shared gateway's S3 secret: s3rver checks the key id, not signatures, so any value works and can be searched for.</summary>
    public static readonly string S3Secret = "scan-secret-" + Guid.NewGuid().ToString("N");

    /// <summary>What every <see cref="Canary"/> value starts with.</summary>
    public const string CanaryPrefix = "never-echo-";

    private static readonly string[] Forbidden =
    [
        S3Secret,
        "demo-secret-not-a-real-key",          // the COS demo secret
        TestTokens.DevSecret,                   // the JWT signing key
        .. TestTokens.StoreSecrets,             // the stores' secrets
        "eyJhbGci",                             // the start of every bearer token the tests mint
        "gateway.session=",
        "Bearer ey",                            // an Authorization header value (a user agent may say "Jwt Bearer handler")
        CanaryPrefix,                           // cookies and garbage tokens tests send
    ];

    // Signed-URL parameters with a value. ASP.NET Core's instrumentation may record a store's own request query
    // with every value replaced by "Redacted"; parameter names alone give nothing away.
    private static readonly Regex SignedUrlValue = new(
        "(X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|q-signature|q-ak|x-cos-security-token)=(?!Redacted)[^&\\s]",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>A unique value for a test to send as a cookie or token: the scan forbids it in telemetry, and so may the test in answers.</summary>
    public static string Canary(string label) => $"{CanaryPrefix}{label}-{Guid.NewGuid():N}";

    /// <summary>Every OTLP request body the collector received, as text (protobuf keeps strings as UTF-8).</summary>
    public static string Exported(WireMockServer collector) =>
        string.Concat(collector.LogEntries
            .Where(entry => entry.RequestMessage.Path.StartsWith("/v1/", StringComparison.Ordinal))
            .Select(entry => Encoding.UTF8.GetString(entry.RequestMessage.BodyAsBytes ?? [])));

    public static void AssertClean(string exported, params string[] alsoForbidden)
    {
        if (SignedUrlValue.Match(exported) is { Success: true } match)
        {
            Assert.Fail($"Telemetry contains a signed-URL parameter with its value: {match.Groups[1].Value}.");
        }

        foreach (var secret in Forbidden.Concat(alsoForbidden))
        {
            var at = exported.IndexOf(secret, StringComparison.Ordinal);
            if (at >= 0)
            {
                // Show where it was found, with the value itself masked, so the leak can be traced.
                var start = Math.Max(0, at - 80);
                var context = exported[start..Math.Min(exported.Length, at + secret.Length + 40)].Replace(secret, "<forbidden>", StringComparison.Ordinal);
                Assert.Fail($"Telemetry contains a forbidden value starting '{secret[..Math.Min(6, secret.Length)]}': ...{new string([.. context.Select(c => char.IsControl(c) ? '.' : c)])}...");
            }
        }
    }
}
