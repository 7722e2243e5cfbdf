using System.Security.Cryptography;
using Gateway.Signing.Encoding;

namespace Gateway.Signing.Sts;

/// <summary>Hashes and MACs that the STS request signers write as lower-case hex.</summary>
internal static class SignatureText
{
    /// <summary><c>hex(SHA256(bytes))</c>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return ToHex(hash);
    }

    /// <summary><c>hex(SHA256(UTF-8(text)))</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static string Sha256Hex(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Utf8Text.Hash(HashAlgorithmName.SHA256, text, hash);
        return ToHex(hash);
    }

    /// <summary><c>hex(HMAC-SHA256(key, UTF-8(text)))</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static string HmacSha256Hex(ReadOnlySpan<byte> key, string text)
    {
        byte[] bytes = new byte[Utf8Text.MaxByteCount(text.Length)];
        int length = Utf8Text.GetBytes(text, bytes);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, bytes.AsSpan(0, length), mac);
        return ToHex(mac);
    }

    private static string ToHex(ReadOnlySpan<byte> bytes)
    {
        Span<char> hex = stackalloc char[bytes.Length * 2];
        Hex.WriteLower(bytes, hex);
        return new string(hex);
    }
}
