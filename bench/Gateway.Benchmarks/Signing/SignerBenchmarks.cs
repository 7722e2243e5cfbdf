using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using BenchmarkDotNet.Attributes;
using System.Security.Cryptography;
using Gateway.Signing;
using Gateway.Signing.Cdn;
using Gateway.Signing.Cos;
using Gateway.Signing.Credentials;
using Gateway.Signing.SigV4;

namespace Gateway.Benchmarks.Signing;

/// <summary>
/// One pre-signed GET URL per operation, against the AWS SDK's own presigner as the baseline (same bucket, key,
/// expiry and region; no network: GetPreSignedURL only computes). The CDN signers sign the same key for a CDN domain.
/// </summary>
[MemoryDiagnoser]
public class SignerBenchmarks
{
    private const string Bucket = "examplebucket";
    private const string Key = "tenants/acme/reports/report 2024.pdf";
    private const string Region = "us-east-1";
    private const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string SessionToken =
        "FwoGZXIvYXdzEBYaDHqa0AP1/EXAMPLE+TOKEN/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/=";

    private static readonly TimeSpan s_expiresIn = TimeSpan.FromDays(1);
    private static readonly DateTimeOffset s_signedAt = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly StorageCredentials _credentials = new() { AccessKeyId = AccessKeyId, SecretKey = SecretKey };
    private readonly StorageCredentials _temporaryCredentials =
        new() { AccessKeyId = AccessKeyId, SecretKey = SecretKey, SessionToken = SessionToken };

    private CosPresigner _cos = null!;
    private SigV4Presigner _sigV4 = null!;
    private AmazonS3Client _awsClient = null!;
    private GetPreSignedUrlRequest _awsRequest = null!;
    private long _second;
    private TencentCdnSigner _tencentA = null!;
    private TencentCdnSigner _tencentD = null!;
    private CloudFrontSigner _cloudFront = null!;
    private CloudFrontSigner _cloudFrontCustom = null!;
    private CloudFrontSettings _cloudFrontSettings = null!;
    private string _cloudFrontPem = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cos = new CosPresigner(new StoreAddress { Bucket = "examplebucket-1250000000", Region = "ap-guangzhou" });
        _sigV4 = new SigV4Presigner(new StoreAddress { Bucket = Bucket, Region = Region });
        _awsClient = new AmazonS3Client(
            new BasicAWSCredentials(AccessKeyId, SecretKey),
            new AmazonS3Config { RegionEndpoint = RegionEndpoint.USEast1 });
        _awsRequest = new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = Key,
            Verb = HttpVerb.GET,
            Protocol = Protocol.HTTPS,
            Expires = DateTime.UtcNow.Add(s_expiresIn), // the SDK takes an instant; it signs X-Amz-Expires = Expires - now
        };

        var cdn = new Uri("https://cdn.example.com");
        _tencentA = new TencentCdnSigner(new TencentCdnSettings { Type = TencentCdnAuthType.A, BaseUrl = cdn, Key = "DvYmqE81E1F9R791H6lmht", Validity = s_expiresIn });
        _tencentD = new TencentCdnSigner(new TencentCdnSettings { Type = TencentCdnAuthType.D, BaseUrl = cdn, Key = "DvYmqE81E1F9R791H6lmht", Validity = s_expiresIn });
        using (var rsa = RSA.Create(2048))
        {
            _cloudFrontPem = rsa.ExportPkcs8PrivateKeyPem();
        }

        _cloudFrontSettings = new CloudFrontSettings { BaseUrl = new Uri("https://d111111abcdef8.cloudfront.net"), KeyPairId = "K2JCJMDEHXQW5F" };
        _cloudFront = CloudFrontSigner.Create(_cloudFrontSettings, _cloudFrontPem);
        _cloudFrontCustom = CloudFrontSigner.Create(_cloudFrontSettings with { StartTime = true }, _cloudFrontPem);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _awsClient.Dispose();
        _cloudFront.Dispose();
        _cloudFrontCustom.Dispose();
    }

    [Benchmark(Baseline = true, Description = "AWSSDK.S3 GetPreSignedURL")]
    public string AwsSdkPresign() => _awsClient.GetPreSignedURL(_awsRequest);

    [Benchmark(Description = "SigV4")]
    public string SigV4Presign() =>
        _sigV4.Presign(new PresignRequest("GET", Key, s_signedAt, s_expiresIn), _credentials);

    [Benchmark(Description = "SigV4 + session token")]
    public string SigV4PresignWithSessionToken() =>
        _sigV4.Presign(new PresignRequest("GET", Key, s_signedAt, s_expiresIn), _temporaryCredentials);

    [Benchmark(Description = "COS q-sign")]
    public string CosPresign() =>
        _cos.Presign(new PresignRequest("GET", Key, s_signedAt, s_expiresIn), _credentials);

    // A new second on every call, so the SignKey cache always misses: the worst case for COS.
    [Benchmark(Description = "COS q-sign, SignKey cache miss")]
    public string CosPresignNewKeyTime() =>
        _cos.Presign(new PresignRequest("GET", Key, s_signedAt.AddSeconds(++_second % 86_400), s_expiresIn), _credentials);

    [Benchmark(Description = "Tencent CDN type A")]
    public CdnLink TencentCdnTypeA() => _tencentA.Sign(new CdnSignRequest(Key, s_signedAt, s_expiresIn));

    [Benchmark(Description = "Tencent CDN type D")]
    public CdnLink TencentCdnTypeD() => _tencentD.Sign(new CdnSignRequest(Key, s_signedAt, s_expiresIn));

    [Benchmark(Description = "CloudFront canned (RSA-2048)")]
    public CdnLink CloudFrontCanned() => _cloudFront.Sign(new CdnSignRequest(Key, s_signedAt, s_expiresIn));

    [Benchmark(Description = "CloudFront custom, start + IP (RSA-2048)")]
    public CdnLink CloudFrontCustom() =>
        _cloudFrontCustom.Sign(new CdnSignRequest(Key, s_signedAt, s_expiresIn, ClientAddressRange: "203.0.113.0/24"));

    // What the gateway does not do: parse the PEM for every link. Shows what keeping the key object saves.
    [Benchmark(Description = "CloudFront canned, PEM parsed per call")]
    public CdnLink CloudFrontCannedParsingPem()
    {
        using var signer = CloudFrontSigner.Create(_cloudFrontSettings, _cloudFrontPem);
        return signer.Sign(new CdnSignRequest(Key, s_signedAt, s_expiresIn));
    }
}
