using System.Security.Cryptography;
using Gateway.Signing.Cdn;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.Cdn;

/// <summary>
/// Tencent CDN URL authentication: the shared type-A vector byte for byte, and the worked examples of types B, C and D
/// in Tencent EdgeOne's documentation (same key, checked with md5sum).
/// </summary>
public sealed class TencentCdnSignerTests
{
    private const string DocKey = "DvYmqE81E1F9R791H6lmht";
    private static readonly Uri s_docDomain = new("https://www.example.com");

    public static TheoryData<string> VectorNames => new(CdnVectorFiles.Tencent.Cases.Select(v => v.Name));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Sign_TypeAVector_MatchesDocumentationByteForByte(string name)
    {
        TencentCdnVector vector = CdnVectorFiles.Tencent.Cases.Single(v => v.Name == name);
        var input = vector.Input;
        var origin = new Uri(input.Url).GetLeftPart(UriPartial.Authority);
        var signer = new TencentCdnSigner(new TencentCdnSettings
        {
            Type = Enum.Parse<TencentCdnAuthType>(input.Type),
            BaseUrl = new Uri(origin),
            Key = input.Key,
            Validity = TimeSpan.FromHours(1),
            SignParameter = input.ParameterName,
            Uid = input.Uid,
        });

        // The validity equals the lifetime, so the timestamp is the signing time.
        CdnLink link = signer.Sign(new CdnSignRequest(input.Path[1..], DateTimeOffset.FromUnixTimeSeconds(input.Timestamp), TimeSpan.FromHours(1)), input.Rand);

        Assert.Equal(vector.Expected.Url, link.Url);
        Assert.Equal(vector.Expected.Md5hash, Md5(vector.Expected.Md5Input));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(input.Timestamp + 3600), link.ExpiresAt);
    }

    [Fact]
    public void Sign_TypeB_MatchesDocumentationExample()
    {
        var signer = DocSigner(TencentCdnAuthType.B);
        var signedAt = new DateTimeOffset(2024, 7, 15, 15, 33, 50, TimeSpan.FromHours(8));

        CdnLink link = signer.Sign(new CdnSignRequest("foo.jpg", signedAt, TimeSpan.FromHours(1)), "");

        Assert.Equal("https://www.example.com/202407151533/d1f0b51c6894231fc12e054fcc7f0b3e/foo.jpg", link.Url);
        Assert.Equal(new DateTimeOffset(2024, 7, 15, 16, 33, 0, TimeSpan.FromHours(8)), link.ExpiresAt);
    }

    [Fact]
    public void Sign_TypeC_MatchesDocumentationExample()
    {
        var signer = DocSigner(TencentCdnAuthType.C);
        var signedAt = new DateTimeOffset(2024, 7, 15, 15, 43, 6, TimeSpan.FromHours(8));

        CdnLink link = signer.Sign(new CdnSignRequest("foo.jpg", signedAt, TimeSpan.FromHours(1)), "");

        Assert.Equal("https://www.example.com/6688749e8906a726c12fe1be3aacd016/6694d30a/foo.jpg", link.Url);
    }

    [Fact]
    public void Sign_TypeD_MatchesDocumentationExample()
    {
        var signer = new TencentCdnSigner(new TencentCdnSettings
        {
            Type = TencentCdnAuthType.D, BaseUrl = s_docDomain, Key = DocKey, Validity = TimeSpan.FromHours(1), SignParameter = "token",
        });
        var signedAt = new DateTimeOffset(2024, 7, 15, 15, 51, 47, TimeSpan.FromHours(8));

        CdnLink link = signer.Sign(new CdnSignRequest("foo.jpg", signedAt, TimeSpan.FromHours(1)), "");

        Assert.Equal("https://www.example.com/foo.jpg?token=cadcec4a04e67b9c2abf4b61c642a0dd&t=1721029907", link.Url);
    }

    [Fact]
    public void Sign_TypeDHex_HashesTheHexTimestamp()
    {
        var signer = new TencentCdnSigner(new TencentCdnSettings
        {
            Type = TencentCdnAuthType.D, BaseUrl = s_docDomain, Key = DocKey, Validity = TimeSpan.FromHours(1), HexTimestamp = true,
        });
        var signedAt = new DateTimeOffset(2024, 7, 15, 15, 43, 6, TimeSpan.FromHours(8));

        CdnLink link = signer.Sign(new CdnSignRequest("foo.jpg", signedAt, TimeSpan.FromHours(1)), "");

        // The same hashed text as type C's example: key + path + hex timestamp.
        Assert.Equal("https://www.example.com/foo.jpg?sign=6688749e8906a726c12fe1be3aacd016&t=6694d30a", link.Url);
    }

    [Fact]
    public void Sign_LifetimeShorterThanValidity_BackdatesTheTimestampSoTheLinkExpiresWhenAsked()
    {
        var signer = new TencentCdnSigner(new TencentCdnSettings { Type = TencentCdnAuthType.A, BaseUrl = s_docDomain, Key = DocKey, Validity = TimeSpan.FromMinutes(30) });
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        CdnLink link = signer.Sign(new CdnSignRequest("a/b c.txt", signedAt, TimeSpan.FromMinutes(5)), "r4nd");

        long timestamp = 1_800_000_000 + 300 - 1800;
        string hash = Md5($"/a/b%20c.txt-{timestamp}-r4nd-0-{DocKey}");
        Assert.Equal($"https://www.example.com/a/b%20c.txt?sign={timestamp}-r4nd-0-{hash}", link.Url);
        Assert.Equal(signedAt.AddMinutes(5), link.ExpiresAt);
    }

    [Fact]
    public void Sign_QueryParameters_AreKeptBeforeTheSignature()
    {
        var signer = DocSigner(TencentCdnAuthType.D);

        CdnLink link = signer.Sign(new CdnSignRequest("foo.jpg", DateTimeOffset.FromUnixTimeSeconds(1721029907), TimeSpan.FromHours(1), [new("v", "a b")]), "");

        Assert.Equal("https://www.example.com/foo.jpg?v=a%20b&sign=cadcec4a04e67b9c2abf4b61c642a0dd&t=1721029907", link.Url);
    }

    [Fact]
    public void Sign_RandomStringDiffersPerLink()
    {
        var signer = DocSigner(TencentCdnAuthType.A);
        var request = new CdnSignRequest("foo.jpg", DateTimeOffset.FromUnixTimeSeconds(1721029907), TimeSpan.FromMinutes(5));

        Assert.NotEqual(signer.Sign(request).Url, signer.Sign(request).Url);
    }

    [Fact]
    public void Sign_BeyondValidityOrWithAddressRange_IsRefused()
    {
        var signer = DocSigner(TencentCdnAuthType.A);
        var now = DateTimeOffset.FromUnixTimeSeconds(1721029907);

        Assert.Throws<ArgumentException>(() => signer.Sign(new CdnSignRequest("foo.jpg", now, TimeSpan.FromHours(2))));
        Assert.Throws<ArgumentException>(() => signer.Sign(new CdnSignRequest("foo.jpg", now, TimeSpan.FromMinutes(1), ClientAddressRange: "203.0.113.0/24")));
        Assert.Throws<ArgumentException>(() => signer.Sign(new CdnSignRequest("foo.jpg", now, TimeSpan.FromMinutes(1), [new("sign", "x")])));
    }

    [Fact]
    public void Problems_NameEverySettingWithoutItsValue()
    {
        var settings = new TencentCdnSettings
        {
            Type = (TencentCdnAuthType)9, BaseUrl = new Uri("https://cdn.example.com/path"), Key = "short", Validity = TimeSpan.Zero,
            SignParameter = "a-b", TimestampParameter = "", Uid = "0-1",
        };

        var problems = settings.Problems().ToList();

        Assert.Equal(["Type", "BaseUrl", "Key", "Validity", "SignParameter", "TimestampParameter", "Uid"], problems.Select(p => p.Setting));
        Assert.DoesNotContain(problems, p => p.Rule.Contains("short", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new TencentCdnSigner(settings));
    }

    private static TencentCdnSigner DocSigner(TencentCdnAuthType type) =>
        new(new TencentCdnSettings { Type = type, BaseUrl = s_docDomain, Key = DocKey, Validity = TimeSpan.FromHours(1) });

#pragma warning disable CA5351 // The CDN's own algorithm, recomputed independently.
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(System.Text.Encoding.ASCII.GetBytes(text)));
#pragma warning restore CA5351
}
