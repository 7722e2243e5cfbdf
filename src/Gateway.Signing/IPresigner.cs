using Gateway.Signing.Credentials;

namespace Gateway.Signing;

/// <summary>Makes a pre-signed URL for one store.</summary>
public interface IPresigner
{
    /// <summary>The longest lifetime this protocol allows for a signed URL.</summary>
    TimeSpan MaxExpiry { get; }

    /// <summary>Returns the absolute pre-signed URL for <paramref name="request"/>.</summary>
    /// <exception cref="ArgumentException">The method is not GET or HEAD, the key is empty, or the expiry is out of range.</exception>
    string Presign(in PresignRequest request, StorageCredentials credentials);
}
