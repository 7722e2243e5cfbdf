using Gateway.Signing.Cos;
using Gateway.Signing.SigV4;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.Properties;

/// <summary>Bucket requests (a listing): the path is the bucket's own, the listing parameters are signed, and only an empty key is accepted.</summary>
public sealed class BucketRequestTests
{
    private static readonly DateTimeOffset s_signedAt = new(2024, 5, 24, 0, 0, 0, TimeSpan.Zero);

    private static readonly KeyValuePair<string, string>[] s_listing =
    [
        new("list-type", "2"), new("prefix", "tenants/acme/報告 2024/"), new("delimiter", "/"), new("max-keys", "200"),
    ];

    [Fact]
    public void SigV4_PathStyleBucket_SignsTheBucketPathAndEveryParameter()
    {
        var address = new StoreAddress { Bucket = "demo", Region = "us-east-1", Endpoint = new Uri("http://127.0.0.1:4568"), ForcePathStyle = true };
        var trace = new SigV4SignatureTrace();

        var url = new SigV4Presigner(address).Presign(Request(""), TestCredentials.Permanent, trace, bucket: true);

        var lines = trace.CanonicalRequest!.Split('\n');
        Assert.Equal("GET", lines[0]);
        Assert.Equal("/demo/", lines[1]);
        Assert.Contains("delimiter=%2F", lines[2], StringComparison.Ordinal);
        Assert.Contains("list-type=2", lines[2], StringComparison.Ordinal);
        Assert.Contains("prefix=tenants%2Facme%2F%E5%A0%B1%E5%91%8A%202024%2F", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:4568/demo/?", url, StringComparison.Ordinal);
        Assert.Equal(url, new SigV4Presigner(address).PresignBucket(Request(""), TestCredentials.Permanent));
    }

    [Fact]
    public void Cos_VirtualHostedBucket_SignsRootPathAndListsTheParameters()
    {
        var address = new StoreAddress { Bucket = "examplebucket-1250000000", Region = "ap-guangzhou" };
        var trace = new CosSignatureTrace();

        var url = new CosPresigner(address).Presign(Request(""), TestCredentials.Permanent, trace, bucket: true);

        Assert.StartsWith("get\n/\n", trace.HttpString, StringComparison.Ordinal);
        Assert.StartsWith("https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/?q-sign-algorithm=sha1", url, StringComparison.Ordinal);
        Assert.Contains("q-url-param-list=delimiter%3blist-type%3bmax-keys%3bprefix", url, StringComparison.Ordinal);
    }

    [Fact]
    public void BucketRequest_WithAKey_IsRefused_AndObjectRequestWithoutOne_IsRefused()
    {
        var address = new StoreAddress { Bucket = "demo", Region = "us-east-1" };
        IPresigner[] presigners = [new SigV4Presigner(address), new CosPresigner(address with { Bucket = "demo-1250000000" })];
        foreach (var presigner in presigners)
        {
            Assert.Throws<ArgumentException>(() => presigner.Presign(Request(""), TestCredentials.Permanent));
        }

        Assert.Throws<ArgumentException>(() => new SigV4Presigner(address).PresignBucket(Request("a.txt"), TestCredentials.Permanent));
        Assert.Throws<ArgumentException>(() => new CosPresigner(address).PresignBucket(Request("a.txt"), TestCredentials.Permanent));
    }

    private static PresignRequest Request(string key) => new("GET", key, s_signedAt, TimeSpan.FromMinutes(1), s_listing);
}
