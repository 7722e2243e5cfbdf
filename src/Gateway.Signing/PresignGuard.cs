using Gateway.Signing.Credentials;

namespace Gateway.Signing;

/// <summary>Checks shared by every presigner. Messages name what is wrong, never a value (a key, a secret or a token).</summary>
internal static class PresignGuard
{
    internal const string Get = "GET";
    internal const string Head = "HEAD";

    private static readonly TimeSpan s_minExpiry = TimeSpan.FromSeconds(1);

    /// <summary>Validates <paramref name="request"/> and <paramref name="credentials"/> and returns the expiry in whole seconds.</summary>
    public static long Validate(in PresignRequest request, StorageCredentials credentials, TimeSpan maxExpiry) =>
        Validate(request, credentials, maxExpiry, bucket: false);

    /// <summary>
    /// Validates a request on an object, or with <paramref name="bucket"/> on the bucket itself (a listing), whose key
    /// must then be empty; returns the expiry in whole seconds.
    /// </summary>
    public static long Validate(in PresignRequest request, StorageCredentials credentials, TimeSpan maxExpiry, bool bucket)
    {
        ArgumentNullException.ThrowIfNull(credentials);

        if (request.Method is not (Get or Head))
        {
            throw new ArgumentException("The method must be GET or HEAD.", nameof(request));
        }

        if (bucket ? !string.IsNullOrEmpty(request.Key) : string.IsNullOrEmpty(request.Key))
        {
            throw new ArgumentException(bucket ? "A bucket request has no object key." : "The object key must not be empty.", nameof(request));
        }

        if (request.ExpiresIn < s_minExpiry || request.ExpiresIn > maxExpiry)
        {
            throw new ArgumentException(
                $"The expiry must be from 1 to {(long)maxExpiry.TotalSeconds} seconds.", nameof(request));
        }

        if (string.IsNullOrEmpty(credentials.AccessKeyId) || string.IsNullOrEmpty(credentials.SecretKey))
        {
            throw new ArgumentException("The credentials need an access key id and a secret key.", nameof(credentials));
        }

        return request.ExpiresIn.Ticks / TimeSpan.TicksPerSecond;
    }
}
