using System.Security.Cryptography;

namespace Gateway.Signing.Encoding;

/// <summary>
/// Hash and HMAC contexts kept per thread and reused. A one-shot call looks the algorithm up and builds an OpenSSL
/// context every time, which costs more than hashing a URL's few hundred bytes; a reused context only resets.
/// An HMAC context is keyed with one of the presigners' cached derived keys and rebuilt when that key changes.
/// </summary>
internal static class ThreadHashes
{
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    [ThreadStatic]
    private static IncrementalHash? t_sha1;

    [ThreadStatic]
    private static KeyedHmac? t_hmacSha256;

    [ThreadStatic]
    private static KeyedHmac? t_hmacSha1;

    /// <summary>Hashes <paramref name="data"/> with SHA-256 or SHA-1 into <paramref name="hash"/>.</summary>
    public static void Hash(HashAlgorithmName algorithm, ReadOnlySpan<byte> data, Span<byte> hash)
    {
        IncrementalHash context = algorithm == HashAlgorithmName.SHA256
            ? t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256)
            : algorithm == HashAlgorithmName.SHA1
                ? t_sha1 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA1)
                : throw new ArgumentOutOfRangeException(nameof(algorithm));
        context.AppendData(data);
        context.GetHashAndReset(hash);
    }

    /// <summary>
    /// HMAC-SHA256 or HMAC-SHA1 of <paramref name="data"/> under <paramref name="key"/>, a cached key array that is
    /// never changed in place (the context is matched to it by reference).
    /// </summary>
    public static void Hmac(HashAlgorithmName algorithm, byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        ref KeyedHmac? slot = ref algorithm == HashAlgorithmName.SHA256
            ? ref t_hmacSha256
            : ref algorithm == HashAlgorithmName.SHA1 ? ref t_hmacSha1 : ref ThrowUnknown(algorithm);
        KeyedHmac? keyed = slot;
        if (keyed is null || !ReferenceEquals(keyed.Key, key))
        {
            keyed?.Context.Dispose();
            slot = keyed = new KeyedHmac(key, IncrementalHash.CreateHMAC(algorithm, key));
        }

        keyed.Context.AppendData(data);
        keyed.Context.GetHashAndReset(mac);
    }

    private static ref KeyedHmac? ThrowUnknown(HashAlgorithmName algorithm) =>
        throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm.Name, "Only SHA256 and SHA1 are used.");

    private sealed record KeyedHmac(byte[] Key, IncrementalHash Context);
}
