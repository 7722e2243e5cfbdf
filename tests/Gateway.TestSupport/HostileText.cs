using System.Text;
using CsCheck;

namespace Gateway.TestSupport;

// One generator for the key mapper and the signers, so both are fuzzed with the same text.
/// <summary>
/// CsCheck generators of text a caller controls: path tricks, percent sequences (overlong UTF-8 included), look-alike
/// dots and slashes, control characters, surrogate pairs and lone surrogates, and runs around the 1024-byte key limit.
/// </summary>
public static class HostileText
{
    /// <summary>Strict UTF-8: throws on a lone surrogate instead of writing U+FFFD.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Any Unicode scalar value, never a lone surrogate.</summary>
    public static readonly Gen<string> AnyScalar =
        Gen.Int[0, 0x10FFFF - 0x800].Select(i => char.ConvertFromUtf32(i < 0xD800 ? i : i + 0x800));

    /// <summary>One surrogate code unit, high or low.</summary>
    public static readonly Gen<string> Surrogate = Gen.Char['\uD800', '\uDFFF'].Select(c => c.ToString());

    private static readonly Gen<string> Tricks = Gen.OneOf(
        "/", "//", ".", "..", "./", "../", "/../", "/./", "...", "/..", "..;/",
        "%", "%2", "%2e", "%2E", "%2e%2e", ".%2e", "%2f", "%2F", "%5c", "%c0%ae", "%c0%ae%c0%ae", "%e0%80%ae", "%c0%af",
        "%25", "%252e%252e", "%zz", "%00", "%0a", "%ff", "%u002e",
        "\uFF0E", "\uFF0E\uFF0E", "\u2024", "\uFE52", "\uFF0F", "\uFF3C", "\u2215", "\u2044",
        "\\", "\\..\\", "@evil.example", "//evil.example/", "http://evil.example/", "user:pass@", ":", ";", "?", "#", "&", "=",
        "+", " ", "'", "\"", "<", ">", "{", "}", "{x}", "*", "~", "!", "$", "(", ")", ",", "[", "]", "|", "^", "`",
        "\u200B", "\uFEFF", "\uFFFD", "\uFFFE", "\uFFFF", "\u0130", "\u00DF", "é", "中文", "😀", "\U0010FFFF", "\u0301",
        "\0", "\t", "\n", "\r", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F", "\u00A0", "\u2028", "\u202E");

    private static readonly Gen<string> Words = Gen.OneOf("a", "acme", "report", "q3.pdf", "x.txt", "tenants", "files", ".hidden", "a..b", "b.");

    private static readonly Gen<string> Ascii = Gen.Char[' ', '~'].Select(c => c.ToString());

    // Around the 1024-byte key limit in one-, two-, three- and four-byte UTF-8, and past the signers' stack buffers.
    private static readonly Gen<string> Long = Gen.OneOf<string>(
        Gen.Int[990, 1030].Select(n => new string('a', n)),
        Gen.Int[495, 515].Select(n => new string('é', n)),
        Gen.Int[330, 345].Select(n => string.Concat(Enumerable.Repeat("中", n))),
        Gen.Int[250, 260].Select(n => string.Concat(Enumerable.Repeat("😀", n))),
        Gen.Int[100, 700].Select(n => string.Concat(Enumerable.Repeat("../", n))));

    private static readonly Gen<string> WellFormedPiece = Gen.Frequency<string>(
        (6, Words), (10, Tricks), (5, Ascii), (3, AnyScalar), (1, Long));

    private static readonly Gen<string> AnyPiece = Gen.Frequency<string>(
        (6, Words), (10, Tricks), (5, Ascii), (3, AnyScalar), (1, Long), (2, Surrogate), (2, Gen.Char.Select(c => c.ToString())));

    /// <summary>Text of up to ten pieces, possibly empty, possibly with lone surrogates.</summary>
    public static readonly Gen<string> Text = AnyPiece.Array[0, 10].Select(string.Concat);

    /// <summary>Text of up to ten pieces, possibly empty, that is valid Unicode (surrogates only in pairs).</summary>
    public static readonly Gen<string> WellFormedText = WellFormedPiece.Array[0, 10].Select(string.Concat);

    /// <summary>Like <see cref="WellFormedText"/>, never empty.</summary>
    public static readonly Gen<string> NonEmptyWellFormedText = WellFormedPiece.Array[1, 10].Select(string.Concat);

    /// <summary>True when <paramref name="text"/> converts to UTF-8 without loss: every surrogate is part of a pair.</summary>
    public static bool IsWellFormed(string text)
    {
        try
        {
            StrictUtf8.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
