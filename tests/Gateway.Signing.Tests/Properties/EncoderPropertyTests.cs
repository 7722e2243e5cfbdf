using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CsCheck;
using Gateway.Signing.Encoding;
using Gateway.TestSupport;

namespace Gateway.Signing.Tests.Properties;

/// <summary>
/// The percent-encoder, the strict UTF-8 transcoder and the hex writer on hostile text, checked against decoders and
/// encoders that are not the code under test (<see cref="Uri"/>, <see cref="System.Text.UTF8Encoding"/>, <see cref="Convert"/>).
/// </summary>
public sealed partial class EncoderPropertyTests
{
    private const int Iterations = 4000;

    // Texts on both sides of the transcoder's 2048-byte stack buffer, with the hostile part before or after the boundary.
    private static readonly Gen<string> TextAroundStackBuffer = Gen.Frequency<string>(
        (3, HostileText.Text),
        (1, Gen.Select(HostileText.Text, Gen.Int[600, 800], HostileText.Text, (head, n, tail) => head + new string('中', n) + tail)));

    [Fact]
    public void EncodePath_WellFormedText_DecodesBackAndHoldsOnlyUnreservedSlashAndEscapes() =>
        HostileText.WellFormedText.Sample(
            text =>
            {
                string encoded = UriEncoder.EncodePath(text);

                Assert.Matches(PathOutput(), encoded);
                Assert.Equal(text, UrlText.PercentDecode(encoded));
                Assert.Equal(text, Uri.UnescapeDataString(encoded));
                Assert.Equal(string.Join('/', text.Split('/').Select(Uri.EscapeDataString)), encoded);
                if (encoded == text)
                {
                    Assert.Same(text, encoded);
                }
            },
            iter: Iterations);

    [Fact]
    public void EncodeQueryComponent_WellFormedText_DecodesBackAndHoldsOnlyUnreservedAndEscapes() =>
        HostileText.WellFormedText.Sample(
            text =>
            {
                string encoded = UriEncoder.EncodeQueryComponent(text);

                Assert.Matches(QueryOutput(), encoded);
                Assert.Equal(text, UrlText.PercentDecode(encoded));
                Assert.Equal(text, Uri.UnescapeDataString(encoded));
                Assert.Equal(Uri.EscapeDataString(text), encoded);
            },
            iter: Iterations);

    [Fact]
    public void AppendCosSecurityToken_WellFormedText_DecodesBackAndCannotAddOrEndParameters() =>
        HostileText.WellFormedText.Sample(
            text =>
            {
                string encoded = CosSecurityToken(text);

                // '+', '/' and '=' stay bare as the COS SDK sends them; '&', '#', '?' and spaces never do.
                Assert.Matches(CosTokenOutput(), encoded);
                Assert.Equal(text, UrlText.PercentDecode(encoded));
            },
            iter: Iterations);

    [Fact]
    public void Encoders_ArbitraryText_ThrowArgumentExceptionExactlyWhenALoneSurrogateIsPresent()
    {
        var invalid = 0;
        HostileText.Text.Sample(
            text =>
            {
                if (HostileText.IsWellFormed(text))
                {
                    Assert.Equal(text, UrlText.PercentDecode(UriEncoder.EncodePath(text)));
                    Assert.Equal(text, UrlText.PercentDecode(UriEncoder.EncodeQueryComponent(text)));
                    Assert.Equal(text, UrlText.PercentDecode(CosSecurityToken(text)));
                    return;
                }

                Interlocked.Increment(ref invalid);
                Assert.Equal(UriEncoder.InvalidUtf16Message, Assert.Throws<ArgumentException>(() => UriEncoder.EncodePath(text)).Message);
                Assert.Equal(UriEncoder.InvalidUtf16Message, Assert.Throws<ArgumentException>(() => UriEncoder.EncodeQueryComponent(text)).Message);
                Assert.Equal(UriEncoder.InvalidUtf16Message, Assert.Throws<ArgumentException>(() => CosSecurityToken(text)).Message);
            },
            iter: Iterations);

        // Both branches must be reached often, or the property would prove little.
        Assert.InRange(invalid, Iterations / 10, Iterations * 9 / 10);
    }

    [Fact]
    public void Utf8Text_ArbitraryText_MatchesStrictUtf8OrThrowsArgumentException()
    {
        var invalid = 0;
        var pastStackBuffer = 0;
        TextAroundStackBuffer.Sample(
            text =>
            {
                byte[] destination = new byte[Utf8Text.MaxByteCount(text.Length)];
                byte[] hash = new byte[SHA256.HashSizeInBytes];
                if (!HostileText.IsWellFormed(text))
                {
                    Interlocked.Increment(ref invalid);
                    Assert.Throws<ArgumentException>(() => Utf8Text.GetBytes(text, destination));
                    Assert.Throws<ArgumentException>(() => Utf8Text.Hash(HashAlgorithmName.SHA256, text, hash));
                    return;
                }

                byte[] expected = HostileText.StrictUtf8.GetBytes(text);
                Interlocked.Add(ref pastStackBuffer, expected.Length > 2048 ? 1 : 0);

                Assert.Equal(expected, destination[..Utf8Text.GetBytes(text, destination)]);
                Utf8Text.Hash(HashAlgorithmName.SHA256, text, hash);
                Assert.Equal(SHA256.HashData(expected), hash);
            },
            iter: Iterations);

        Assert.InRange(invalid, Iterations / 10, Iterations * 9 / 10);
        Assert.InRange(pastStackBuffer, Iterations / 20, Iterations);
    }

    [Fact]
    public void HexWriteLower_AnyBytes_RoundTripsThroughFromHexString() =>
        Gen.Byte.Array[0, 80].Sample(
            bytes =>
            {
                char[] chars = new char[bytes.Length * 2];
                byte[] ascii = new byte[bytes.Length * 2];

                Hex.WriteLower(bytes, chars);
                Hex.WriteLower(bytes, ascii);

                string hex = new(chars);
                Assert.Matches(LowerHex(), hex);
                Assert.Equal(bytes, Convert.FromHexString(hex));
                Assert.Equal(hex, System.Text.Encoding.ASCII.GetString(ascii));
                if (bytes.Length > 0)
                {
                    Assert.Throws<ArgumentException>(() => Hex.WriteLower(bytes, new char[chars.Length - 1]));
                    Assert.Throws<ArgumentException>(() => Hex.WriteLower(bytes, new byte[ascii.Length - 1]));
                }
            },
            iter: Iterations);

    [Fact]
    public void HexWritePercentEncoded_EveryByte_IsAnUpperCaseEscapeOfThatByte()
    {
        char[] escaped = new char[3];
        for (int value = 0; value <= byte.MaxValue; value++)
        {
            Hex.WritePercentEncoded((byte)value, escaped);

            Assert.Matches(@"\A%[0-9A-F]{2}\z", new string(escaped));
            Assert.Equal(value, Convert.FromHexString(escaped.AsSpan(1))[0]);
        }
    }

    private static string CosSecurityToken(string text)
    {
        var builder = new ValueStringBuilder(stackalloc char[16]);
        try
        {
            UriEncoder.AppendCosSecurityToken(ref builder, text);
            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    [GeneratedRegex(@"\A(?:[A-Za-z0-9\-_.~/]|%[0-9A-F]{2})*\z")]
    private static partial Regex PathOutput();

    [GeneratedRegex(@"\A(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*\z")]
    private static partial Regex QueryOutput();

    [GeneratedRegex(@"\A(?:[A-Za-z0-9\-_.~+/=]|%[0-9A-F]{2})*\z")]
    private static partial Regex CosTokenOutput();

    [GeneratedRegex(@"\A[0-9a-f]*\z")]
    private static partial Regex LowerHex();
}
