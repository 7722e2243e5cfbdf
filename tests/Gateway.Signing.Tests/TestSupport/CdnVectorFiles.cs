using System.Text.Json;

namespace Gateway.Signing.Tests.TestSupport;

/// <summary>The CDN signing vectors of the shared <c>vectors/</c> folder: CloudFront (AWS's JavaScript signer) and Tencent CDN (Tencent's documentation).</summary>
internal static class CdnVectorFiles
{
    public const string CloudFrontFile = "cloudfront-signed-url.json";
    public const string TencentFile = "tencent-cdn-auth.json";

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<CloudFrontVectorFile> s_cloudFront = new(() => Load<CloudFrontVectorFile>(CloudFrontFile));
    private static readonly Lazy<TencentCdnVectorFile> s_tencent = new(() => Load<TencentCdnVectorFile>(TencentFile));

    public static CloudFrontVectorFile CloudFront => s_cloudFront.Value;

    public static TencentCdnVectorFile Tencent => s_tencent.Value;

    private static T Load<T>(string fileName)
    {
        string path = Path.Combine(VectorFiles.LocateDirectory(), fileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The signing vector file '{path}' does not exist.");
        }

        return JsonSerializer.Deserialize<T>(File.ReadAllText(path), s_options)
            ?? throw new InvalidOperationException($"'{path}' holds no vectors.");
    }
}

internal sealed record CloudFrontVectorFile(string PrivateKeyPem, List<CloudFrontVector> Cases);

internal sealed record CloudFrontVector(string Name, CloudFrontVectorInput Input, string Policy, CloudFrontVectorExpected Expected);

internal sealed record CloudFrontVectorInput(string Url, string KeyPairId, DateTimeOffset DateLessThan, DateTimeOffset? DateGreaterThan, string? IpAddress);

internal sealed record CloudFrontVectorExpected(string Url);

internal sealed record TencentCdnVectorFile(List<TencentCdnVector> Cases);

internal sealed record TencentCdnVector(string Name, TencentCdnVectorInput Input, TencentCdnVectorExpected Expected);

internal sealed record TencentCdnVectorInput(string Type, string Url, string Path, long Timestamp, string Rand, string Uid, string Key, string ParameterName);

internal sealed record TencentCdnVectorExpected(string Md5Input, string Md5hash, string Url);
