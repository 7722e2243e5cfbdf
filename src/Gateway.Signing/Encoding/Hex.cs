namespace Gateway.Signing.Encoding;

/// <summary>Hex digits for percent-escapes (upper case, as RFC 3986 recommends) and for hashes (lower case, as both protocols sign them).</summary>
internal static class Hex
{
    private const string UpperDigits = "0123456789ABCDEF";
    private const string TooSmallMessage = "The destination must hold two hex digits per byte.";

    /// <summary>Writes <c>%XX</c> into the three chars of <paramref name="destination"/>.</summary>
    public static void WritePercentEncoded(byte value, Span<char> destination)
    {
        destination[2] = UpperDigits[value & 0xF];
        destination[1] = UpperDigits[value >> 4];
        destination[0] = '%';
    }

    /// <summary>Writes the lower-case hex of <paramref name="bytes"/> as ASCII bytes.</summary>
    public static void WriteLower(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        if (!Convert.TryToHexStringLower(bytes, destination, out _))
        {
            throw new ArgumentException(TooSmallMessage, nameof(destination));
        }
    }

    /// <summary>Writes the lower-case hex of <paramref name="bytes"/>.</summary>
    public static void WriteLower(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        if (!Convert.TryToHexStringLower(bytes, destination, out _))
        {
            throw new ArgumentException(TooSmallMessage, nameof(destination));
        }
    }
}
