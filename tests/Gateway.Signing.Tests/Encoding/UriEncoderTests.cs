using Gateway.Signing.Encoding;

namespace Gateway.Signing.Tests.Encoding;

public sealed class UriEncoderTests
{
    // Not theory data: xunit serializes theory arguments as UTF-8, which would turn these into U+FFFD before the test sees them.
    private static readonly string[] s_loneSurrogates = ["\uD800", "a\uDC00b", "end\uD83D", "\uDE00start", "x\uDBFF\uDBFFy"];

    [Fact]
    public void EncodePath_NothingToEscape_ReturnsSameInstance()
    {
        string key = "tenants/acme/q1/summary-2024_v1.0~draft.csv";

        Assert.Same(key, UriEncoder.EncodePath(key));
    }

    [Fact]
    public void EncodeQueryComponent_NothingToEscape_ReturnsSameInstance()
    {
        string value = "AKIDEXAMPLE-_.~";

        Assert.Same(value, UriEncoder.EncodeQueryComponent(value));
    }

    [Theory]
    [InlineData("a b/c", "a%20b/c")]
    [InlineData("dir//x/./y/../z", "dir//x/./y/../z")]
    [InlineData("a!b*c'd(e)f", "a%21b%2Ac%27d%28e%29f")]
    [InlineData("a+b=c&d?e#f%g", "a%2Bb%3Dc%26d%3Fe%23f%25g")]
    [InlineData("é/😀", "%C3%A9/%F0%9F%98%80")]
    public void EncodePath_ReservedAndNonAscii_EscapesEachSegmentAndKeepsSlash(string raw, string expected)
    {
        Assert.Equal(expected, UriEncoder.EncodePath(raw));
    }

    [Theory]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("attachment; filename=\"r.pdf\"", "attachment%3B%20filename%3D%22r.pdf%22")]
    [InlineData("%E6%8A%A5", "%25E6%258A%25A5")]
    public void EncodeQueryComponent_Reserved_EscapesWithUpperHex(string raw, string expected)
    {
        Assert.Equal(expected, UriEncoder.EncodeQueryComponent(raw));
    }

    [Fact]
    public void EncodeQueryComponent_RandomValidText_MatchesRfc3986EscapeDataString()
    {
        var random = new Random(20240601);
        for (int i = 0; i < 2000; i++)
        {
            string text = RandomText(random, random.Next(0, 40));

            Assert.Equal(Uri.EscapeDataString(text), UriEncoder.EncodeQueryComponent(text));
        }
    }

    [Fact]
    public void EncodePath_LongerThanStackBuffer_EncodesAll()
    {
        string key = string.Concat(Enumerable.Repeat("é ", 500));

        string encoded = UriEncoder.EncodePath(key);

        Assert.Equal(string.Concat(Enumerable.Repeat("%C3%A9%20", 500)), encoded);
    }

    [Fact]
    public void EncodePath_LoneSurrogate_ThrowsArgumentException()
    {
        foreach (string key in s_loneSurrogates)
        {
            Assert.Throws<ArgumentException>(() => UriEncoder.EncodePath(key));
        }
    }

    [Fact]
    public void EncodeQueryComponent_LoneSurrogate_ThrowsArgumentException()
    {
        foreach (string value in s_loneSurrogates)
        {
            Assert.Throws<ArgumentException>(() => UriEncoder.EncodeQueryComponent(value));
        }
    }

    [Theory]
    [InlineData("tokenABC+/=xyz_-.~", "tokenABC+/=xyz_-.~")]
    [InlineData("a&b=c#d e%f?g", "a%26b=c%23d%20e%25f%3Fg")]
    public void AppendCosSecurityToken_SdkCharsKeptOthersEscaped_CannotAddParameters(string token, string expected)
    {
        var builder = new ValueStringBuilder(stackalloc char[8]);
        try
        {
            UriEncoder.AppendCosSecurityToken(ref builder, token);

            Assert.Equal(expected, builder.ToString());
        }
        finally
        {
            builder.Dispose();
        }
    }

    // Any scalar value (never a lone surrogate), weighted towards ASCII punctuation where the rules differ.
    private static string RandomText(Random random, int length)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < length; i++)
        {
            int pick = random.Next(4);
            int scalar = pick switch
            {
                0 => random.Next(0x20, 0x7F),
                1 => random.Next(0, 0x80),
                2 => random.Next(0x80, 0xD800),
                _ => random.Next(0x10000, 0x110000),
            };
            text.Append(char.ConvertFromUtf32(scalar));
        }

        return text.ToString();
    }
}
