using System.Globalization;

namespace Gateway.Signing.Sts;

/// <summary>
/// Tencent Cloud API 3.0 signing (<c>TC3-HMAC-SHA256</c>) of a JSON POST, as the Tencent SDKs do it: only
/// <c>content-type</c> and <c>host</c> are signed, and the key is derived per UTC date and service.
/// </summary>
internal static class Tc3Signer
{
    internal const string Algorithm = "TC3-HMAC-SHA256";
    internal const string SignedHeaders = "content-type;host";
    internal const string Terminator = "tc3_request";

    private const string KeyPrefix = "TC3";
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>Signs the request and returns the <c>Authorization</c> header value.</summary>
    /// <param name="secretId">The SecretId of the signing key.</param>
    /// <param name="secretKey">The SecretKey of the signing key.</param>
    /// <param name="service">The service, e.g. <c>sts</c>; part of the credential scope.</param>
    /// <param name="request">What is signed.</param>
    /// <param name="trace">Receives the intermediate strings when not null.</param>
    public static string Sign(string secretId, string secretKey, string service, in Tc3Request request, Tc3SignatureTrace? trace)
    {
        string date = FormatDate(request.Timestamp);
        string scope = CredentialScope(date, service);
        string canonicalRequest = CanonicalRequest(request);
        string stringToSign = StringToSign(request.Timestamp, scope, canonicalRequest);
        string signature = SignatureText.HmacSha256Hex(HmacKeyChain.Derive(KeyPrefix, secretKey, [date, service, Terminator]), stringToSign);

        if (trace is not null)
        {
            trace.CanonicalRequest = canonicalRequest;
            trace.StringToSign = stringToSign;
            trace.Signature = signature;
        }

        return Algorithm + " Credential=" + secretId + "/" + scope + ", SignedHeaders=" + SignedHeaders + ", Signature=" + signature;
    }

    /// <summary>
    /// <c>method\npath\nquery\ncontent-type:...\nhost:...\n\nsigned-headers\nhex(SHA256(payload))</c>; header values are
    /// lower-cased and trimmed as Tencent specifies.
    /// </summary>
    internal static string CanonicalRequest(in Tc3Request request) =>
        request.Method + "\n"
        + request.Path + "\n"
        + request.Query + "\n"
        + "content-type:" + request.ContentType.Trim().ToLowerInvariant() + "\n"
        + "host:" + request.Host.Trim().ToLowerInvariant() + "\n"
        + "\n"
        + SignedHeaders + "\n"
        + SignatureText.Sha256Hex(request.Payload.Span);

    /// <summary><c>TC3-HMAC-SHA256\ntimestamp\nscope\nhex(SHA256(canonicalRequest))</c>.</summary>
    internal static string StringToSign(long timestamp, string scope, string canonicalRequest) =>
        Algorithm + "\n"
        + timestamp.ToString(CultureInfo.InvariantCulture) + "\n"
        + scope + "\n"
        + SignatureText.Sha256Hex(canonicalRequest);

    /// <summary><c>yyyy-MM-dd/service/tc3_request</c>.</summary>
    internal static string CredentialScope(string date, string service) => date + "/" + service + "/" + Terminator;

    /// <summary>The UTC date of a Unix timestamp, as the scope and key derivation use it.</summary>
    internal static string FormatDate(long timestamp) =>
        DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);
}

/// <summary>The parts of a Tencent Cloud API request that TC3 signs.</summary>
/// <param name="Method">The HTTP method, upper case.</param>
/// <param name="Path">The canonical URI, <c>/</c> for the API endpoints.</param>
/// <param name="Query">The canonical query string, empty for POST.</param>
/// <param name="ContentType">The <c>Content-Type</c> header exactly as sent.</param>
/// <param name="Host">The <c>Host</c> header exactly as sent.</param>
/// <param name="Timestamp">The Unix time sent as <c>X-TC-Timestamp</c>.</param>
/// <param name="Payload">The body exactly as sent.</param>
internal readonly record struct Tc3Request(
    string Method, string Path, string Query, string ContentType, string Host, long Timestamp, ReadOnlyMemory<byte> Payload);
