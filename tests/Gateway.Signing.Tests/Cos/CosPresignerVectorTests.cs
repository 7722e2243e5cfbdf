using Gateway.Signing.Cos;
using Gateway.Signing.Credentials;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.Cos;

/// <summary>Every case in the shared <c>cos-presign.json</c>, produced by Tencent's own SDK, reproduced byte for byte.</summary>
public sealed class CosPresignerVectorTests
{
    public static TheoryData<string> VectorNames => new(VectorFiles.Cos.Select(v => v.Name));

    // Every case with a token, however many the file holds; none at all fails the theory (xUnit finds no data).
    public static TheoryData<string> TokenVectorNames => new(VectorFiles.Cos.Where(v => v.Input.SecurityToken is not null).Select(v => v.Name));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Presign_Vector_MatchesSdkSignatureAndIntermediates(string name)
    {
        CosVector vector = VectorFiles.Cos.Single(v => v.Name == name);
        var trace = new CosSignatureTrace();

        Sign(vector.Input, trace);

        Assert.Equal(vector.Expected.KeyTime, trace.KeyTime);
        Assert.Equal(vector.Expected.SignKey, trace.SignKey);
        Assert.Equal(vector.Expected.HttpString, trace.HttpString);
        Assert.Equal(vector.Expected.StringToSign, trace.StringToSign);
        Assert.Equal(vector.Expected.Signature, trace.Signature);
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Presign_Vector_MatchesSdkUrl(string name)
    {
        CosVector vector = VectorFiles.Cos.Single(v => v.Name == name);

        string url = Sign(vector.Input, trace: null);

        UrlAssert.Equivalent(vector.Expected.Url, url);
    }

    [Theory]
    [MemberData(nameof(TokenVectorNames))]
    public void Presign_VectorWithSecurityToken_KeepsTokenBytesAsSdkSendsThem(string name)
    {
        CosVector vector = VectorFiles.Cos.Single(v => v.Name == name);

        string url = Sign(vector.Input, trace: null);

        string[] sent = [.. UrlAssert.QueryParameters(vector.Expected.Url).Where(p => p.StartsWith("x-cos-security-token=", StringComparison.Ordinal))];
        Assert.Equal(["x-cos-security-token=" + vector.Input.SecurityToken], sent);
        Assert.Contains(sent[0], UrlAssert.QueryParameters(url));
    }

    private static string Sign(CosVectorInput input, CosSignatureTrace? trace)
    {
        // The README's host, <bucket>.cos.<region>.myqcloud.com, is the presigner's default.
        var presigner = new CosPresigner(new StoreAddress { Bucket = input.Bucket, Region = input.Region });
        var credentials = new StorageCredentials
        {
            AccessKeyId = input.SecretId,
            SecretKey = input.SecretKey,
            SessionToken = input.SecurityToken,
        };
        var request = new PresignRequest(
            input.Method,
            input.Key,
            DateTimeOffset.FromUnixTimeSeconds(input.StartTime),
            TimeSpan.FromSeconds(input.Expires),
            input.Query?.ToList());
        return presigner.Presign(request, credentials, trace);
    }
}
