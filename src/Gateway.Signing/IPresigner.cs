using Gateway.Signing.Credentials;

namespace Gateway.Signing;

/// <summary>Makes a pre-signed URL for one store.</summary>
public interface IPresigner
{
    /// <summary>The longest lifetime this protocol allows for a signed URL.</summary>
    TimeSpan MaxExpiry { get; }

    /// <summary>Returns the absolute pre-signed URL for <paramref name="request"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="credentials"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The method is not GET or HEAD, the key is empty or holds invalid UTF-16 (a lone surrogate), the expiry is under
    /// one second or over <see cref="MaxExpiry"/>, the credentials lack a key id or secret, or a query parameter is
    /// unnamed, repeated or one the signature sets itself. The message never holds the secret or the token.
    /// </exception>
    string Presign(in PresignRequest request, StorageCredentials credentials);
}
