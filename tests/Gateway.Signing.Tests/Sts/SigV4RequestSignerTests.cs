using Gateway.Signing.Sts;
using Gateway.Signing.SigV4;

namespace Gateway.Signing.Tests.Sts;

/// <summary>
/// The header signer that STS AssumeRole uses, checked against cases of AWS's published SigV4 test suite
/// (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service") and the documented key derivation.
/// </summary>
public sealed class SigV4RequestSignerTests
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset s_suiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Fact]
    public void Sign_AwsSuiteGetVanilla_MatchesPublishedAuthorization()
    {
        var trace = new SigV4RequestTrace();

        string authorization = SigV4RequestSigner.Sign(
            AccessKeyId,
            SecretKey,
            "us-east-1",
            "service",
            new SigV4Request("GET", "/", "", [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")], Array.Empty<byte>(), s_suiteTime),
            trace);

        Assert.Equal(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            trace.CanonicalRequest);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            authorization);
    }

    [Fact]
    public void Sign_AwsSuitePostFormUrlEncoded_MatchesPublishedAuthorization()
    {
        string authorization = SigV4RequestSigner.Sign(
            AccessKeyId,
            SecretKey,
            "us-east-1",
            "service",
            new SigV4Request(
                "POST",
                "/",
                "",
                [new("Content-Type", "application/x-www-form-urlencoded"), new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
                System.Text.Encoding.UTF8.GetBytes("Param1=value1"),
                s_suiteTime),
            trace: null);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            authorization);
    }

    [Fact]
    public void Derive_AwsDocumentedExample_MatchesPublishedSigningKey()
    {
        byte[] key = HmacKeyChain.Derive("AWS4", SecretKey, ["20120215", "us-east-1", "iam", "aws4_request"]);

        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void Derive_S3Scope_MatchesPresignerKeyDerivation()
    {
        byte[] chain = HmacKeyChain.Derive("AWS4", SecretKey, ["20240229", "eu-west-1", "s3", "aws4_request"]);
        byte[] presigner = SigV4Presigner.DeriveSigningKey(SecretKey, "20240229", "eu-west-1"u8);

        Assert.Equal(presigner, chain);
    }

    [Fact]
    public void FormatAmzDate_NonUtcOffset_WritesUtc()
    {
        var time = new DateTimeOffset(2015, 8, 30, 20, 36, 0, TimeSpan.FromHours(8));

        Assert.Equal("20150830T123600Z", SigV4RequestSigner.FormatAmzDate(time));
    }
}
