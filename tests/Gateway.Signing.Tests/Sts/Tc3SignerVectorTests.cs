using Gateway.Signing.Credentials;
using Gateway.Signing.Sts;

namespace Gateway.Signing.Tests.Sts;

/// <summary>Every case in the shared <c>tc3-sts-request.json</c>, produced by Tencent's own SDK, reproduced byte for byte.</summary>
public sealed class Tc3SignerVectorTests
{
    public static TheoryData<string> VectorNames => Tc3VectorFile.Names;

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Sign_Vector_MatchesSdkIntermediatesAndAuthorization(string name)
    {
        Tc3Vector vector = Tc3VectorFile.Get(name);
        var trace = new Tc3SignatureTrace();

        string authorization = Tc3Signer.Sign(
            vector.Input.SecretId,
            vector.Input.SecretKey,
            "sts",
            new Tc3Request(
                "POST",
                "/",
                "",
                vector.Expected.Request.Headers["Content-Type"],
                vector.Expected.Request.Headers["Host"],
                vector.Input.Timestamp,
                System.Text.Encoding.UTF8.GetBytes(vector.Expected.Request.Body)),
            trace);

        Assert.Equal(vector.Expected.CanonicalRequest, trace.CanonicalRequest);
        Assert.Equal(vector.Expected.StringToSign, trace.StringToSign);
        Assert.Equal(vector.Expected.Request.Headers["Authorization"], authorization);
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public async Task CreateRequest_Vector_MatchesSdkRequestByteForByte(string name)
    {
        Tc3Vector vector = Tc3VectorFile.Get(name);
        TencentStsCredentialsSource source = Tc3VectorSources.Create(vector, new HttpClient());
        var trace = new Tc3SignatureTrace();

        using HttpRequestMessage request = source.CreateRequest(DateTimeOffset.FromUnixTimeSeconds(vector.Input.Timestamp), trace);

        Assert.Equal(vector.Expected.Request.Method, request.Method.Method);
        Assert.Equal(vector.Expected.Request.Url, request.RequestUri!.AbsoluteUri);
        Assert.Equal(vector.Expected.Request.Body, System.Text.Encoding.UTF8.GetString(await request.Content!.ReadAsByteArrayAsync()));
        Assert.Equal(vector.Expected.CanonicalRequest, trace.CanonicalRequest);
        Assert.Equal(vector.Expected.StringToSign, trace.StringToSign);
        foreach ((string header, string expected) in vector.Expected.Request.Headers)
        {
            string actual = header switch
            {
                "Host" => request.RequestUri.IdnHost,
                "Content-Type" => string.Join(",", request.Content.Headers.GetValues(header)),
                _ => string.Join(",", request.Headers.GetValues(header)),
            };
            Assert.True(expected == actual, $"{header}: expected '{expected}', got '{actual}'.");
        }

        // Nothing beyond what the SDK sends (HttpClient adds Host and Content-Length itself).
        Assert.Equal(
            vector.Expected.Request.Headers.Keys.Where(h => h is not ("Host" or "Content-Type")).Order(StringComparer.Ordinal),
            request.Headers.Select(h => h.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CredentialScope_DateIsUtc_NotLocal()
    {
        // 2023-11-14T23:59:59Z: still the 14th in UTC whatever the machine's zone.
        Assert.Equal("2023-11-14", Tc3Signer.FormatDate(1_700_006_399));
        Assert.Equal("2023-11-15", Tc3Signer.FormatDate(1_700_006_400));
    }
}

/// <summary>Builds the Tencent source that a vector describes, with the policy given as plain JSON as the options take it.</summary>
internal static class Tc3VectorSources
{
    public static TencentStsOptions Options(Tc3Vector vector, Uri? endpoint = null)
    {
        Dictionary<string, System.Text.Json.JsonElement> payload = vector.Input.Payload;
        string? Text(string key) => payload.TryGetValue(key, out System.Text.Json.JsonElement value) ? value.GetString() : null;
        var options = new TencentStsOptions
        {
            Region = vector.Input.Region,
            Action = vector.Input.Action,
            Name = Text("Name"),
            RoleArn = Text("RoleArn"),
            RoleSessionName = Text("RoleSessionName") ?? "gateway",
            DurationSeconds = payload["DurationSeconds"].GetInt32(),

            // The vector holds the policy as sent (URL-encoded); the options hold the plain document.
            Policy = Text("Policy") is { } encoded ? Uri.UnescapeDataString(encoded) : null,
        };
        return endpoint is null ? options : options with { Endpoint = endpoint };
    }

    public static TencentStsCredentialsSource Create(Tc3Vector vector, HttpClient http, Uri? endpoint = null) =>
        new(
            http,
            Options(vector, endpoint),
            new StorageCredentials { AccessKeyId = vector.Input.SecretId, SecretKey = vector.Input.SecretKey },
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(vector.Input.Timestamp)));
}
