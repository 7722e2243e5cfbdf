using Gateway.Signing.Credentials;

namespace Gateway.Signing;

/// <summary>Checks shared by every presigner. Messages name what is wrong, never a value (a key, a secret or a token).</summary>
internal static class PresignGuard
{
    internal const string Get = "GET";
    internal const string Head = "HEAD";

    private static readonly TimeSpan s_minExpiry = TimeSpan.FromSeconds(1);

    /// <summary>Validates <paramref name="request"/> and <paramref name="credentials"/> and returns the expiry in whole seconds.</summary>
    public static long Validate(in PresignRequest request, StorageCredentials credentials, TimeSpan maxExpiry)
    {
        ArgumentNullException.ThrowIfNull(credentials);

        if (request.Method is not (Get or Head))
        {
            throw new ArgumentException("The method must be GET or HEAD.", nameof(request));
        }

        if (string.IsNullOrEmpty(request.Key))
        {
            throw new ArgumentException("The object key must not be empty.", nameof(request));
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
