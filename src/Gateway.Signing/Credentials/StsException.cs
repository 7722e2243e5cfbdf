using System.Globalization;
using System.Net;

namespace Gateway.Signing.Credentials;

/// <summary>
/// A call to a credential service failed. The message holds the service, the action, the HTTP status and the
/// service's error code; never a key, a token, a signature or any part of the response body.
/// </summary>
public sealed class StsException : Exception
{
    /// <summary>Creates an exception with a generic message; the sources in this library use their own factory methods.</summary>
    public StsException()
        : this("A call to a credential service failed.", StsFailureReason.ServiceError, errorCode: null, statusCode: null, isTransient: false, innerException: null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>, which must hold no secret.</summary>
    public StsException(string message)
        : this(message, StsFailureReason.ServiceError, errorCode: null, statusCode: null, isTransient: false, innerException: null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>, which must hold no secret, and its cause.</summary>
    public StsException(string message, Exception? innerException)
        : this(message, StsFailureReason.ServiceError, errorCode: null, statusCode: null, isTransient: false, innerException)
    {
    }

    private StsException(
        string message, StsFailureReason reason, string? errorCode, HttpStatusCode? statusCode, bool isTransient, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
        ErrorCode = errorCode;
        StatusCode = statusCode;
        IsTransient = isTransient;
    }

    /// <summary>The service's error code (for example <c>InvalidParameter</c>, <c>AccessDenied</c>); null when it gave none or it was not a plain code.</summary>
    public string? ErrorCode { get; }

    /// <summary>Whether trying again later may succeed: HTTP 5xx, 429 and 408, throttling and internal-error codes, timeouts and transport failures.</summary>
    public bool IsTransient { get; }

    /// <summary>The HTTP status of the answer; null when none came.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>What kind of failure this was.</summary>
    public StsFailureReason Reason { get; }

    /// <summary>The service answered with an error code, an error status, or both.</summary>
    internal static StsException ServiceError(string service, string action, HttpStatusCode status, string? errorCode, bool isTransient)
    {
        string message = errorCode is null
            ? string.Create(CultureInfo.InvariantCulture, $"{service} {action} failed: HTTP {(int)status}.")
            : string.Create(CultureInfo.InvariantCulture, $"{service} {action} failed: HTTP {(int)status}, error code {errorCode}.");
        return new(message, StsFailureReason.ServiceError, errorCode, status, isTransient, innerException: null);
    }

    /// <summary>The answer could not be read. <paramref name="what"/> is this library's own words, never response text.</summary>
    internal static StsException Malformed(string service, string action, HttpStatusCode status, string what) =>
        new(
            string.Create(CultureInfo.InvariantCulture, $"{service} {action} failed: HTTP {(int)status}, the response was malformed ({what})."),
            StsFailureReason.MalformedResponse,
            errorCode: null,
            status,
            isTransient: false,
            innerException: null);

    /// <summary>No answer came in time.</summary>
    internal static StsException Timeout(string service, string action, Exception innerException) =>
        new($"{service} {action} failed: the request timed out.", StsFailureReason.Timeout, errorCode: null, statusCode: null, isTransient: true, innerException);

    /// <summary>The request could not be sent or the answer received.</summary>
    internal static StsException Transport(string service, string action, Exception innerException) =>
        new(
            $"{service} {action} failed: the request could not be completed ({innerException.GetType().Name}).",
            StsFailureReason.Transport,
            errorCode: null,
            statusCode: null,
            isTransient: true,
            innerException);

    /// <summary>The web identity token file could not be read or was empty.</summary>
    internal static StsException WebIdentityToken(string service, string action, Exception? innerException) =>
        new(
            innerException is null
                ? $"{service} {action} failed: the web identity token file is empty."
                : $"{service} {action} failed: the web identity token file could not be read ({innerException.GetType().Name}).",
            StsFailureReason.WebIdentityToken,
            errorCode: null,
            statusCode: null,
            isTransient: false,
            innerException);
}
