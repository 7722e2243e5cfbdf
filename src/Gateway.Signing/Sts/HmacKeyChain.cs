using System.Security.Cryptography;
using Gateway.Signing.Encoding;

namespace Gateway.Signing.Sts;

/// <summary>
/// The HMAC-SHA256 key chain that both AWS SigV4 and Tencent TC3 derive their signing key with:
/// <c>k0 = prefix + secret</c>, then <c>k(n+1) = HMAC(k(n), part(n))</c> for each scope part in order.
/// </summary>
internal static class HmacKeyChain
{
    private const int StackBytes = 256;
    private const int MaxPartChars = 64;

    /// <summary>Derives the signing key, e.g. <c>("AWS4", secret, [yyyyMMdd, region, service, "aws4_request"])</c>.</summary>
    /// <exception cref="ArgumentException">The secret holds invalid UTF-16, or a part is longer than 64 chars.</exception>
    public static byte[] Derive(string prefix, string secret, ReadOnlySpan<string> parts)
    {
        int maxSecretBytes = Utf8Text.MaxByteCount(prefix.Length + secret.Length);
        Span<byte> secretBytes = maxSecretBytes <= StackBytes ? stackalloc byte[StackBytes] : new byte[maxSecretBytes];
        Span<byte> partBytes = stackalloc byte[Utf8Text.MaxByteCount(MaxPartChars)];
        Span<byte> keys = stackalloc byte[HMACSHA256.HashSizeInBytes * 2];
        try
        {
            int secretLength = Utf8Text.GetBytes(prefix, secretBytes);
            secretLength += Utf8Text.GetBytes(secret, secretBytes[secretLength..]);

            // Two buffers, used in turn, so no HMAC reads the span it writes.
            ReadOnlySpan<byte> key = secretBytes[..secretLength];
            Span<byte> next = keys[..HMACSHA256.HashSizeInBytes];
            Span<byte> spare = keys[HMACSHA256.HashSizeInBytes..];
            foreach (string part in parts)
            {
                if (part.Length > MaxPartChars)
                {
                    throw new ArgumentException("A signing scope part is too long.", nameof(parts));
                }

                int partLength = Utf8Text.GetBytes(part, partBytes);
                HMACSHA256.HashData(key, partBytes[..partLength], next);
                key = next;
                Span<byte> written = next;
                next = spare;
                spare = written;
            }

            return key.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretBytes);
            CryptographicOperations.ZeroMemory(keys);
        }
    }
}
