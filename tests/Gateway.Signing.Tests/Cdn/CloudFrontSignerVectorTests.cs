using System.Security.Cryptography;
using Gateway.Signing.Cdn;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.Cdn;

/// <summary>Every case in the shared <c>cloudfront-signed-url.json</c>, made by <c>@aws-sdk/cloudfront-signer</c>, reproduced byte for byte.</summary>
public sealed class CloudFrontSignerVectorTests
{
    public static TheoryData<string> VectorNames => new(CdnVectorFiles.CloudFront.Cases.Select(v => v.Name));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Sign_Vector_MatchesSdkUrlByteForByte(string name)
    {
        CloudFrontVector vector = CdnVectorFiles.CloudFront.Cases.Single(v => v.Name == name);

        CdnLink link = Sign(vector.Input);

        Assert.Equal(vector.Expected.Url, link.Url);
        Assert.Equal(vector.Input.DateLessThan, link.ExpiresAt);
        Assert.Equal(vector.Policy == "custom", link.Url.Contains("&Policy=", StringComparison.Ordinal) || link.Url.Contains("?Policy=", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Sign_Vector_SignatureVerifiesAndBreaksWhenThePolicyChanges(string name)
    {
        CloudFrontVector vector = CdnVectorFiles.CloudFront.Cases.Single(v => v.Name == name);
        string url = Sign(vector.Input).Url;
        using var key = RSA.Create();
        key.ImportFromPem(CdnVectorFiles.CloudFront.PrivateKeyPem);

        string policy = PolicyOf(url, vector.Input);
        byte[] signature = FromCloudFrontBase64(Parameter(url, "Signature"));

        Assert.True(key.VerifyData(System.Text.Encoding.ASCII.GetBytes(policy), signature, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1));
        string longer = policy.Replace(vector.Input.DateLessThan.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), (vector.Input.DateLessThan.ToUnixTimeSeconds() + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.False(key.VerifyData(System.Text.Encoding.ASCII.GetBytes(longer), signature, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Sign_Ipv6Range_IsRefused()
    {
        using CloudFrontSigner signer = Signer("https://d111111abcdef8.cloudfront.net", startTime: false);

        Assert.Throws<ArgumentException>(() => signer.Sign(new CdnSignRequest("a.pdf", DateTimeOffset.UnixEpoch.AddDays(20000), TimeSpan.FromMinutes(5), ClientAddressRange: "2001:db8::/64")));
        Assert.Throws<ArgumentException>(() => signer.Sign(new CdnSignRequest("a.pdf", DateTimeOffset.UnixEpoch.AddDays(20000), TimeSpan.FromMinutes(5), ClientAddressRange: "203.0.113.9/24 ")));
    }

    [Fact]
    public void Sign_ParameterTheSignatureSets_IsRefused()
    {
        using CloudFrontSigner signer = Signer("https://d111111abcdef8.cloudfront.net", startTime: false);

        Assert.Throws<ArgumentException>(() => signer.Sign(new CdnSignRequest("a.pdf", DateTimeOffset.UnixEpoch.AddDays(20000), TimeSpan.FromMinutes(5), [new("Expires", "1")])));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzTWzg+pFznLWnx79yvbDyBxSHKcK87MXDI0XwAzLZYz7mC+sfYafpr1GYVyWycamXAWhRwf/SZgjX/gEVCpYobYWI0t6ehqegOZPrVDx3gStvQFwxvJQTNz2ApuOBoZByKp6ZUMfC9sMkwJH8IhsrQLEHgmAjXE3iFeTKddyK71adkR+y7Fp9JIs2JUmwrn57jTPSe2qlpyXaTAYf+amnyLJu3ZFE4YPLMgiVfd6xatzJEtG8a++UhyS7Kn2zSoNd1Uc3IVJ66fJh2o4A4ASOd9MOU+qywh23hl1eJEziwskEufGPR6Fc/xDtE4Dc1IJ7S6RdgzL9sd5NXEeRLonowIDAQAB\n-----END PUBLIC KEY-----")]
    public void KeyProblem_NotAnRsaPrivateKey_IsNamedWithoutTheKey(string pem)
    {
        string? problem = CloudFrontSigner.KeyProblem(pem);

        Assert.NotNull(problem);
        Assert.DoesNotContain("MII", problem, StringComparison.Ordinal);
        Assert.Null(CloudFrontSigner.KeyProblem(CdnVectorFiles.CloudFront.PrivateKeyPem));
    }

    private static CdnLink Sign(CloudFrontVectorInput input)
    {
        var url = new Uri(input.Url);
        using CloudFrontSigner signer = Signer(url.GetLeftPart(UriPartial.Authority), input.DateGreaterThan is not null, input.KeyPairId);
        // The gateway signs from the raw key and its raw query parameters; the vectors give the URL they make.
        string key = Uri.UnescapeDataString(url.AbsolutePath[1..]);
        var query = url.Query.Length == 0
            ? []
            : url.Query[1..].Split('&').Select(pair => pair.Split('=', 2)).Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p[1]))).ToList();
        DateTimeOffset signedAt = input.DateGreaterThan ?? input.DateLessThan.AddMinutes(-5);
        return signer.Sign(new CdnSignRequest(key, signedAt, input.DateLessThan - signedAt, query, input.IpAddress));
    }

    private static CloudFrontSigner Signer(string origin, bool startTime, string keyPairId = "K2JCJMDEHXQW5F") =>
        CloudFrontSigner.Create(new CloudFrontSettings { BaseUrl = new Uri(origin), KeyPairId = keyPairId, StartTime = startTime }, CdnVectorFiles.CloudFront.PrivateKeyPem);

    // The policy the signature is over: the custom one is in the URL, the canned one is rebuilt as AWS documents it.
    private static string PolicyOf(string url, CloudFrontVectorInput input)
    {
        if (url.Contains("Policy=", StringComparison.Ordinal))
        {
            return System.Text.Encoding.ASCII.GetString(FromCloudFrontBase64(Parameter(url, "Policy")));
        }

        string resource = url[..url.IndexOf("Expires=", StringComparison.Ordinal)].TrimEnd('?', '&');
        return $"{{\"Statement\":[{{\"Resource\":\"{resource}\",\"Condition\":{{\"DateLessThan\":{{\"AWS:EpochTime\":{input.DateLessThan.ToUnixTimeSeconds()}}}}}}}]}}";
    }

    private static string Parameter(string url, string name) =>
        UrlAssert.QueryParameters(url).Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    private static byte[] FromCloudFrontBase64(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '=').Replace('~', '/'));
}
