using System.Buffers;
using System.Net;
using Gateway.Signing.Credentials;

namespace Gateway.Signing.Sts;

/// <summary>
/// Sends one STS request and classifies what went wrong. It does not retry: the host's HttpClient carries the
/// resilience pipeline, and <see cref="RefreshingCredentialsProvider"/> decides when to try again.
/// </summary>
internal static class StsHttp
{
    /// <summary>Error codes longer than this, or with other characters than these, are not echoed.</summary>
    private const int MaxErrorCodeLength = 128;

    private const string PollyRejected = "Polly.ExecutionRejectedException";
    private const string PollyTimeoutRejected = "Polly.Timeout.TimeoutRejectedException";

    private static readonly SearchValues<char> s_errorCodeChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>Sends <paramref name="request"/> and reads the whole body.</summary>
    /// <exception cref="StsException">A timeout or a transport failure.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<StsReply> SendAsync(
        HttpClient http, HttpRequestMessage request, string service, string action, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new StsReply(response.StatusCode, body);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            // HttpClient.Timeout surfaces as a cancellation that the caller did not ask for.
            throw StsException.Timeout(service, action, ex);
        }
        catch (Exception ex) when (IsOrDerivesFrom(ex, PollyTimeoutRejected))
        {
            throw StsException.Timeout(service, action, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || IsOrDerivesFrom(ex, PollyRejected))
        {
            throw StsException.Transport(service, action, ex);
        }
    }

    /// <summary>Whether HTTP <paramref name="status"/> is worth trying again later: 408, 429 and 5xx.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Whether the status is 2xx.</summary>
    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and <= 299;

    /// <summary>
    /// Returns <paramref name="code"/> when it looks like an error code (letters, digits, <c>._-</c>, at most 128 chars),
    /// otherwise null, so a hostile or broken answer cannot put arbitrary text into messages and metrics.
    /// </summary>
    public static string? SanitizeErrorCode(string? code) =>
        code is { Length: > 0 and <= MaxErrorCodeLength } && !code.AsSpan().ContainsAnyExcept(s_errorCodeChars) ? code : null;

    /// <summary>Whether <paramref name="code"/> is <paramref name="family"/> or one of its sub-codes (<c>family.Detail</c>).</summary>
    public static bool IsCodeFamily(string code, string family) =>
        code.StartsWith(family, StringComparison.Ordinal) && (code.Length == family.Length || code[family.Length] == '.');

    /// <summary>The keys of a successful answer; keys that have already expired make the answer malformed.</summary>
    /// <exception cref="StsException">The keys expire at or before <paramref name="now"/>.</exception>
    public static StorageCredentials Issued(
        string service, string action, HttpStatusCode status, string accessKeyId, string secretKey, string sessionToken, DateTimeOffset expiration, DateTimeOffset now) =>
        expiration <= now
            ? throw StsException.Malformed(service, action, status, "the credentials have already expired")
            : new StorageCredentials { AccessKeyId = accessKeyId, SecretKey = secretKey, SessionToken = sessionToken, Expiration = expiration };

    /// <summary>Adds an error for each of an STS endpoint and region that is missing or not usable; each names the setting, never its value.</summary>
    public static void ValidateEndpointAndRegion(Uri? endpoint, string? region, List<string> errors)
    {
        if (endpoint is null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add("Endpoint must be an absolute http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(region))
        {
            errors.Add("Region is required.");
        }
    }

    /// <summary>The <c>Host</c> header HttpClient sends for <paramref name="endpoint"/>, which is what gets signed.</summary>
    public static string HostHeader(Uri endpoint) =>
        endpoint.IsDefaultPort ? endpoint.IdnHost : endpoint.IdnHost + ":" + endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // The host's resilience handler (Microsoft.Extensions.Http.Resilience) throws Polly's ExecutionRejectedException
    // family: a timeout, an open circuit breaker, a rate limiter. Matched by name so this library needs no Polly.
    private static bool IsOrDerivesFrom(Exception ex, string typeName)
    {
        for (Type? type = ex.GetType(); type is not null; type = type.BaseType)
        {
            if (type.FullName == typeName)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>An STS answer: its status and its whole body.</summary>
internal readonly record struct StsReply(HttpStatusCode Status, byte[] Body);
