namespace Gateway.Signing.Credentials;

/// <summary>
/// No valid credentials are available: none were fetched yet or the last ones expired, and fetching new ones failed.
/// The message never holds a key or a token; <see cref="Exception.InnerException"/> is the last failure, if any.
/// </summary>
public sealed class CredentialsUnavailableException : Exception
{
    private const string DefaultMessage = "No valid temporary credentials are available: they have expired or were never fetched, and fetching them failed.";

    /// <summary>Creates an exception with the standard message.</summary>
    public CredentialsUnavailableException()
        : base(DefaultMessage)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>, which must hold no secret.</summary>
    public CredentialsUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>, which must hold no secret, and the failure that caused it.</summary>
    public CredentialsUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The standard message, naming the last failure's error code when the service gave one.</summary>
    internal static CredentialsUnavailableException For(Exception? lastFailure) =>
        new(
            lastFailure is StsException { ErrorCode: { } code } ? DefaultMessage + " Last error code: " + code + "." : DefaultMessage,
            lastFailure);
}
