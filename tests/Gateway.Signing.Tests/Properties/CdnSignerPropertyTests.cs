using CsCheck;
using Gateway.Signing.Cdn;
using Gateway.Signing.Tests.TestSupport;
using Gateway.TestSupport;

namespace Gateway.Signing.Tests.Properties;

/// <summary>
/// The CDN signers on hostile keys and parameter values: the link parses, stays on the configured CDN origin, decodes
/// back to the key (after the type's own path segments), and its query keeps the caller's parameter. A key with a dot
/// segment, which a URL parser would remove, is refused.
/// </summary>
public sealed class CdnSignerPropertyTests : IDisposable
{
    private const int Iterations = 2000;
    private const string Origin = "https://cdn.example.com";

    private static readonly DateTimeOffset s_signedAt = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private readonly CloudFrontSigner _cloudFront = CloudFrontSigner.Create(
        new CloudFrontSettings { BaseUrl = new Uri(Origin), KeyPairId = "K2JCJMDEHXQW5F", StartTime = true }, CdnVectorFiles.CloudFront.PrivateKeyPem);

    public void Dispose() => _cloudFront.Dispose();

    public static TheoryData<string> Kinds => new("A", "B", "C", "D", "cloudfront");

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Sign_HostileKeyAndParameters_LinkStaysOnTheCdnAndDecodesBackToTheKey(string kind)
    {
        ICdnSigner signer = kind == "cloudfront"
            ? _cloudFront
            : new TencentCdnSigner(new TencentCdnSettings
            {
                Type = Enum.Parse<TencentCdnAuthType>(kind), BaseUrl = new Uri(Origin), Key = "DvYmqE81E1F9R791H6lmht", Validity = TimeSpan.FromHours(1),
            });
        int skippedSegments = kind is "B" or "C" ? 2 : 0;

        Gen.Select(HostileText.NonEmptyWellFormedText, HostileText.WellFormedText).Sample(
            (key, value) =>
            {
                var request = new CdnSignRequest(key, s_signedAt, TimeSpan.FromMinutes(5), [new("v", value)], kind == "cloudfront" ? "203.0.113.0/24" : null);
                if (key.Split('/').Any(segment => segment is "." or ".."))
                {
                    // A URL parser would drop the segment and ask for another path than the one signed.
                    Assert.Throws<ArgumentException>(() => signer.Sign(request));
                    return;
                }

                var link = signer.Sign(request);

                Assert.StartsWith(Origin + "/", link.Url, StringComparison.Ordinal);
                var uri = new Uri(link.Url);
                Assert.Equal("cdn.example.com", uri.Authority);
                string path = uri.AbsolutePath;
                for (int i = 0; i < skippedSegments; i++)
                {
                    path = path[path.IndexOf('/', 1)..];
                }

                Assert.Equal(key, Uri.UnescapeDataString(path[1..]));
                string[] parameters = UrlAssert.QueryParameters(link.Url);
                Assert.Equal(value, Uri.UnescapeDataString(Assert.Single(parameters, p => p.StartsWith("v=", StringComparison.Ordinal))[2..]));
                Assert.True(link.ExpiresAt <= s_signedAt.AddMinutes(5));
            },
            iter: Iterations);
    }
}
