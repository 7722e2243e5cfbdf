using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Signing.Credentials;

namespace Gateway.Signing.Sts;

/// <summary>
/// Reads a Tencent STS answer: <c>{"Response":{"Credentials":{"Token","TmpSecretId","TmpSecretKey"},"ExpiredTime",...}}</c>
/// or <c>{"Response":{"Error":{"Code","Message"},...}}</c>, which comes with HTTP 200.
/// </summary>
internal static class TencentStsResponse
{
    internal const string Service = "Tencent STS";

    // Codes that Tencent documents as worth retrying: its own failures and throttling.
    private static readonly string[] s_transientCodes = ["InternalError", "RequestLimitExceeded"];

    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 16 };

    /// <summary>Returns the credentials in <paramref name="reply"/>, which must expire after <paramref name="now"/>.</summary>
    /// <exception cref="StsException">The answer is an error or cannot be read.</exception>
    public static StorageCredentials Parse(in StsReply reply, string action, DateTimeOffset now)
    {
        HttpStatusCode status = reply.Status;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(reply.Body, s_options);
        }
        catch (JsonException)
        {
            throw StsHttp.IsSuccess(status)
                ? StsException.Malformed(Service, action, status, "not JSON")
                : StsException.ServiceError(Service, action, status, errorCode: null, StsHttp.IsTransientStatus(status));
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("Response", out JsonElement response)
                || response.ValueKind != JsonValueKind.Object)
            {
                throw StsHttp.IsSuccess(status)
                    ? StsException.Malformed(Service, action, status, "no Response object")
                    : StsException.ServiceError(Service, action, status, errorCode: null, StsHttp.IsTransientStatus(status));
            }

            if (response.TryGetProperty("Error", out JsonElement error))
            {
                string? code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("Code", out JsonElement codeElement)
                    && codeElement.ValueKind == JsonValueKind.String
                        ? StsHttp.SanitizeErrorCode(codeElement.GetString())
                        : null;
                throw StsException.ServiceError(Service, action, status, code, IsTransient(status, code));
            }

            if (!StsHttp.IsSuccess(status))
            {
                throw StsException.ServiceError(Service, action, status, errorCode: null, StsHttp.IsTransientStatus(status));
            }

            if (!response.TryGetProperty("Credentials", out JsonElement credentials) || credentials.ValueKind != JsonValueKind.Object)
            {
                throw StsException.Malformed(Service, action, status, "missing Credentials");
            }

            string token = RequiredString(credentials, "Token", action, status);
            string secretId = RequiredString(credentials, "TmpSecretId", action, status);
            string secretKey = RequiredString(credentials, "TmpSecretKey", action, status);
            DateTimeOffset expiration = ReadExpiration(response, action, status);
            return StsHttp.Issued(Service, action, status, secretId, secretKey, token, expiration, now);
        }
    }

    private static bool IsTransient(HttpStatusCode status, string? code) =>
        StsHttp.IsTransientStatus(status) || (code is not null && s_transientCodes.Any(family => StsHttp.IsCodeFamily(code, family)));

    private static string RequiredString(JsonElement parent, string name, string action, HttpStatusCode status) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw StsException.Malformed(Service, action, status, "missing Credentials." + name);

    // ExpiredTime (Unix seconds) is what the SDKs use; Expiration (ISO 8601) is the fallback.
    private static DateTimeOffset ReadExpiration(JsonElement response, string action, HttpStatusCode status)
    {
        if (response.TryGetProperty("ExpiredTime", out JsonElement expiredTime))
        {
            return expiredTime.ValueKind == JsonValueKind.Number && expiredTime.TryGetInt64(out long seconds)
                && seconds is > 0 and <= 253_402_300_799 // 9999-12-31T23:59:59Z
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : throw StsException.Malformed(Service, action, status, "ExpiredTime is not a Unix time");
        }

        if (response.TryGetProperty("Expiration", out JsonElement expiration))
        {
            return expiration.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(
                    expiration.GetString(),
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                    out DateTimeOffset parsed)
                    ? parsed
                    : throw StsException.Malformed(Service, action, status, "Expiration is not a date");
        }

        throw StsException.Malformed(Service, action, status, "missing ExpiredTime");
    }
}
