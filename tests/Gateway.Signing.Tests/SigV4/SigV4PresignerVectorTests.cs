using Gateway.Signing.Credentials;
using Gateway.Signing.SigV4;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.SigV4;

/// <summary>Every case in the shared <c>s3-presign.json</c>, produced by the AWS SDK for JavaScript v3, reproduced byte for byte.</summary>
public sealed class SigV4PresignerVectorTests
{
    public static TheoryData<string> VectorNames => new(VectorFiles.S3.Select(v => v.Name));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Presign_Vector_MatchesSdkSignatureAndIntermediates(string name)
    {
        SigV4Vector vector = VectorFiles.S3.Single(v => v.Name == name);
        var trace = new SigV4SignatureTrace();

        Sign(vector.Input, trace);

        Assert.Equal(vector.Expected.CanonicalRequest, trace.CanonicalRequest);
        Assert.Equal(vector.Expected.StringToSign, trace.StringToSign);
        Assert.Equal(vector.Expected.Signature, trace.Signature);
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Presign_Vector_MatchesSdkUrl(string name)
    {
        SigV4Vector vector = VectorFiles.S3.Single(v => v.Name == name);

        string url = Sign(vector.Input, trace: null);

        UrlAssert.Equivalent(vector.Expected.Url, url);
    }

    private static string Sign(SigV4VectorInput input, SigV4SignatureTrace? trace)
    {
        var presigner = new SigV4Presigner(ToAddress(input));
        var credentials = new StorageCredentials
        {
            AccessKeyId = input.AccessKeyId,
            SecretKey = input.SecretAccessKey,
            SessionToken = input.SessionToken,
        };
        var query = new List<KeyValuePair<string, string>>();
        if (input.ResponseContentDisposition is not null)
        {
            query.Add(new("response-content-disposition", input.ResponseContentDisposition));
        }

        if (input.ResponseContentType is not null)
        {
            query.Add(new("response-content-type", input.ResponseContentType));
        }

        var request = new PresignRequest("GET", input.Key, input.SigningDate, TimeSpan.FromSeconds(input.ExpiresIn), query);
        return presigner.Presign(request, credentials, trace);
    }

    // The README's inputs, expressed as the StoreAddress the gateway would be configured with.
    private static StoreAddress ToAddress(SigV4VectorInput input)
    {
        if (input.Host is not null)
        {
            // A host override is <bucket>.<endpoint host>: virtual-hosted style on that endpoint.
            string bucketLabel = input.Bucket + ".";
            Assert.StartsWith(bucketLabel, input.Host, StringComparison.Ordinal);
            return new StoreAddress
            {
                Bucket = input.Bucket,
                Region = input.Region,
                Endpoint = new Uri("https://" + input.Host[bucketLabel.Length..]),
            };
        }

        return new StoreAddress
        {
            Bucket = input.Bucket,
            Region = input.Region,
            Endpoint = input.Endpoint is null ? null : new Uri(input.Endpoint),
            ForcePathStyle = input.ForcePathStyle,
        };
    }
}
