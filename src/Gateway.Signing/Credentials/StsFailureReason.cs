namespace Gateway.Signing.Credentials;

/// <summary>Why a call to a credential service failed.</summary>
public enum StsFailureReason
{
    /// <summary>The service answered with an error: an error code, an HTTP error status, or both.</summary>
    ServiceError,

    /// <summary>No answer came in time.</summary>
    Timeout,

    /// <summary>The request could not be sent or the answer could not be received (connection, DNS, TLS, a resilience pipeline that gave up).</summary>
    Transport,

    /// <summary>The answer could not be read: bad JSON or XML, a missing field, or an expiry that is already past.</summary>
    MalformedResponse,

    /// <summary>The web identity token file could not be read or was empty.</summary>
    WebIdentityToken,
}
