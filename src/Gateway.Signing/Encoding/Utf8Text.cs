using System.Buffers;
using System.Security.Cryptography;
using System.Text.Unicode;

namespace Gateway.Signing.Encoding;

/// <summary>Strict UTF-8 for what gets hashed: invalid UTF-16 throws instead of silently becoming U+FFFD.</summary>
internal static class Utf8Text
{
    private const int StackBytes = 2048;

    /// <summary>Transcodes <paramref name="text"/> into <paramref name="destination"/>, which holds at least <see cref="MaxByteCount"/> bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static int GetBytes(scoped ReadOnlySpan<char> text, Span<byte> destination)
    {
        OperationStatus status = Utf8.FromUtf16(text, destination, out _, out int written, replaceInvalidSequences: false);
        return status switch
        {
            OperationStatus.Done => written,
            OperationStatus.InvalidData or OperationStatus.NeedMoreData => throw new ArgumentException(UriEncoder.InvalidUtf16Message),
            _ => throw new ArgumentException("The destination is too small.", nameof(destination)),
        };
    }

    /// <summary>The most bytes <paramref name="charCount"/> UTF-16 chars can need.</summary>
    public static int MaxByteCount(int charCount) => checked(charCount * 3);

    /// <summary>Hashes the UTF-8 of <paramref name="text"/>, in a stack buffer unless the text is long.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static void Hash(HashAlgorithmName algorithm, scoped ReadOnlySpan<char> text, Span<byte> hash)
    {
        Span<byte> stack = stackalloc byte[StackBytes];
        OperationStatus status = Utf8.FromUtf16(text, stack, out _, out int written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done)
        {
            ThreadHashes.Hash(algorithm, stack[..written], hash);
            return;
        }

        if (status != OperationStatus.DestinationTooSmall)
        {
            throw new ArgumentException(UriEncoder.InvalidUtf16Message);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(MaxByteCount(text.Length));
        try
        {
            ThreadHashes.Hash(algorithm, rented.AsSpan(0, GetBytes(text, rented)), hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
