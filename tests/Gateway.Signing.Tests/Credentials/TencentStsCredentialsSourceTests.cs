using System.Globalization;
using System.Net;
using Gateway.Signing.Credentials;
using Gateway.Signing.Sts;
using Gateway.Signing.Tests.Sts;
using Gateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using WireMock;

namespace Gateway.Signing.Tests.Credentials;

public sealed class TencentStsCredentialsSourceTests : IClassFixture<StsStandIn>
{
    private const string JsonType = "application/json";
    private const string PermanentId = "AKIDPERMANENTEXAMPLE";
    private const string PermanentSecret = "PermanentSecret/ThatMustNeverLeak";
    private const string TmpSecretKey = "TmpSecretKey+ThatMustNeverLeak";
    private const string TmpToken = "TmpToken/ThatMustNeverLeak==";

    private static readonly DateTimeOffset s_now = new(2024, 3, 1, 8, 30, 0, TimeSpan.Zero);

    private readonly StsStandIn _sts;

    public TencentStsCredentialsSourceTests(StsStandIn sts)
    {
        _sts = sts;
        _sts.Reset();
    }

    [Fact]
    public async Task FetchAsync_PinnedClock_SendsTc3SignatureForThatTime()
    {
        _sts.Answer(200, Success(s_now.AddMinutes(30)), JsonType);
        TencentStsCredentialsSource source = CreateSource(Options());

        await source.FetchAsync(CancellationToken.None);

        IRequestMessage sent = Assert.Single(_sts.Requests);
        long timestamp = s_now.ToUnixTimeSeconds();
        const string expectedBody = "{\"Name\":\"gateway\",\"Policy\":\"%7B%22version%22%3A%222.0%22%2C%22statement%22%3A%5B%5D%7D\",\"DurationSeconds\":1800}";
        Assert.Equal(expectedBody, sent.Body);
        Assert.Equal(JsonType, StsStandIn.Header(sent, "Content-Type"));
        Assert.Equal(_sts.Host, StsStandIn.Header(sent, "Host"));
        Assert.Equal("GetFederationToken", StsStandIn.Header(sent, "X-TC-Action"));
        Assert.Equal("2018-08-13", StsStandIn.Header(sent, "X-TC-Version"));
        Assert.Equal("ap-guangzhou", StsStandIn.Header(sent, "X-TC-Region"));
        Assert.Equal(timestamp.ToString(CultureInfo.InvariantCulture), StsStandIn.Header(sent, "X-TC-Timestamp"));
        Assert.Null(StsStandIn.Header(sent, "X-TC-Token"));

        string expectedAuthorization = Tc3Signer.Sign(
            PermanentId,
            PermanentSecret,
            "sts",
            new Tc3Request("POST", "/", "", JsonType, _sts.Host, timestamp, System.Text.Encoding.UTF8.GetBytes(expectedBody)),
            trace: null);
        Assert.Equal(expectedAuthorization, StsStandIn.Header(sent, "Authorization"));
        Assert.StartsWith("TC3-HMAC-SHA256 Credential=AKIDPERMANENTEXAMPLE/2024-03-01/sts/tc3_request, SignedHeaders=content-type;host, Signature=", expectedAuthorization);
    }

    [Theory]
    [MemberData(nameof(Tc3SignerVectorTests.VectorNames), MemberType = typeof(Tc3SignerVectorTests))]
    public async Task FetchAsync_VectorClockAndHost_SendsExactlyTheSdkRequest(string name)
    {
        Tc3Vector vector = Tc3VectorFile.Get(name);
        DateTimeOffset vectorTime = DateTimeOffset.FromUnixTimeSeconds(vector.Input.Timestamp);
        _sts.Answer(200, Success(vectorTime.AddHours(1)), JsonType);
        using HttpClient http = _sts.CreateClientRedirectingEveryHostToLoopback();

        // The vector's own host over plain HTTP (TC3 signs the host, not the scheme); the connection goes to loopback.
        var endpoint = new UriBuilder(vector.Expected.Request.Url) { Scheme = Uri.UriSchemeHttp, Port = -1 }.Uri;
        await Tc3VectorSources.Create(vector, http, endpoint).FetchAsync(CancellationToken.None);

        IRequestMessage sent = Assert.Single(_sts.Requests);
        Assert.Equal(vector.Expected.Request.Method, sent.Method);
        Assert.Equal(new Uri(vector.Expected.Request.Url).AbsolutePath, sent.AbsolutePath);
        Assert.Equal(vector.Expected.Request.Body, sent.Body);
        foreach ((string header, string expected) in vector.Expected.Request.Headers)
        {
            string? actual = StsStandIn.Header(sent, header);
            Assert.True(expected == actual, $"{header}: expected '{expected}', got '{actual}'.");
        }
    }

    [Fact]
    public async Task FetchAsync_Success_ReturnsTemporaryCredentialsWithExpiry()
    {
        DateTimeOffset expiry = s_now.AddMinutes(30);
        _sts.Answer(200, Success(expiry), JsonType);

        StorageCredentials credentials = await CreateSource(Options()).FetchAsync(CancellationToken.None);

        Assert.Equal("AKIDTMPEXAMPLE", credentials.AccessKeyId);
        Assert.Equal(TmpSecretKey, credentials.SecretKey);
        Assert.Equal(TmpToken, credentials.SessionToken);
        Assert.Equal(expiry, credentials.Expiration);
        Assert.True(credentials.IsTemporary);
    }

    [Fact]
    public async Task FetchAsync_AssumeRoleWithPermanentToken_SendsRoleBodyAndTokenHeader()
    {
        _sts.Answer(200, Success(s_now.AddHours(1)), JsonType);
        var key = new StorageCredentials { AccessKeyId = PermanentId, SecretKey = PermanentSecret, SessionToken = "outer-token" };
        var options = new TencentStsOptions
        {
            Endpoint = _sts.Endpoint,
            Region = "ap-beijing",
            Action = TencentStsOptions.AssumeRoleAction,
            RoleArn = "qcs::cam::uin/100000000001:roleName/gateway-reader",
            DurationSeconds = 3600,
        };

        await new TencentStsCredentialsSource(StsStandIn.CreateClient(), options, key, new FakeTimeProvider(s_now)).FetchAsync(CancellationToken.None);

        IRequestMessage sent = Assert.Single(_sts.Requests);
        Assert.Equal("{\"RoleArn\":\"qcs::cam::uin/100000000001:roleName/gateway-reader\",\"RoleSessionName\":\"gateway\",\"DurationSeconds\":3600}", sent.Body);
        Assert.Equal("AssumeRole", StsStandIn.Header(sent, "X-TC-Action"));
        Assert.Equal("outer-token", StsStandIn.Header(sent, "X-TC-Token"));
    }

    [Fact]
    public async Task FetchAsync_ExpirationStringOnly_ReadsIt()
    {
        _sts.Answer(200, """{"Response":{"Credentials":{"Token":"t","TmpSecretId":"id","TmpSecretKey":"k"},"Expiration":"2024-03-01T09:00:00Z","RequestId":"r"}}""", JsonType);

        StorageCredentials credentials = await CreateSource(Options()).FetchAsync(CancellationToken.None);

        Assert.Equal(new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero), credentials.Expiration);
    }

    [Fact]
    public async Task FetchAsync_ServiceErrorWithHttp200_ThrowsWithCodeButNotMessage()
    {
        _sts.Answer(200, """{"Response":{"Error":{"Code":"InvalidParameter","Message":"policy echo SENSITIVE-DETAIL"},"RequestId":"r-1"}}""", JsonType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options()).FetchAsync(CancellationToken.None));

        Assert.Equal("InvalidParameter", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Equal(StsFailureReason.ServiceError, error.Reason);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal("Tencent STS GetFederationToken failed: HTTP 200, error code InvalidParameter.", error.Message);
        SecretAssert.Absent(error, "SENSITIVE-DETAIL", "r-1", PermanentSecret);
    }

    [Theory]
    [InlineData("InternalError")]
    [InlineData("InternalError.SystemError")]
    [InlineData("RequestLimitExceeded")]
    public async Task FetchAsync_RetryableErrorCode_IsTransient(string code)
    {
        _sts.Answer(200, $$$"""{"Response":{"Error":{"Code":"{{{code}}}","Message":"m"},"RequestId":"r"}}""", JsonType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options()).FetchAsync(CancellationToken.None));

        Assert.Equal(code, error.ErrorCode);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task FetchAsync_ErrorCodeThatIsNotACode_IsNotEchoed()
    {
        _sts.Answer(200, """{"Response":{"Error":{"Code":"<script>SENSITIVE-DETAIL</script>","Message":"m"}}}""", JsonType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options()).FetchAsync(CancellationToken.None));

        Assert.Null(error.ErrorCode);
        SecretAssert.Absent(error, "SENSITIVE-DETAIL", "script");
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task FetchAsync_ServerErrorOrThrottled_ThrowsTransient(int status)
    {
        _sts.Answer(status, "<html>upstream SENSITIVE-DETAIL</html>", "text/html");

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options()).FetchAsync(CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.Equal(StsFailureReason.ServiceError, error.Reason);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Null(error.ErrorCode);
        SecretAssert.Absent(error, "SENSITIVE-DETAIL", "html");
    }

    [Fact]
    public async Task FetchAsync_Forbidden_ThrowsNotTransient()
    {
        _sts.Answer(403, "denied", "text/plain");

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options()).FetchAsync(CancellationToken.None));

        Assert.False(error.IsTransient);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Theory]
    [InlineData("{\"Response\":{\"Credentials\":{\"Token\":\"SENSITIVE-DETAIL\"")]
    [InlineData("SENSITIVE-DETAIL")]
    [InlineData("")]
    [InlineData("[\"SENSITIVE-DETAIL\"]")]
    [InlineData("{\"Response\":\"SENSITIVE-DETAIL\"}")]
    public async Task FetchAsync_MalformedJson_ThrowsNotTransientWithoutEchoingBody(string body)
    {
        _sts.Answer(200, body, JsonType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options()).FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.MalformedResponse, error.Reason);
        Assert.False(error.IsTransient);
        Assert.Null(error.InnerException);
        SecretAssert.Absent(error, "SENSITIVE-DETAIL");
    }

    [Theory]
    [InlineData("""{"Response":{"ExpiredTime":1709283600,"RequestId":"r"}}""", "Credentials")]
    [InlineData("""{"Response":{"Credentials":{"TmpSecretId":"id","TmpSecretKey":"k"},"ExpiredTime":1709283600}}""", "Credentials.Token")]
    [InlineData("""{"Response":{"Credentials":{"Token":"t","TmpSecretKey":"k"},"ExpiredTime":1709283600}}""", "Credentials.TmpSecretId")]
    [InlineData("""{"Response":{"Credentials":{"Token":"t","TmpSecretId":"id","TmpSecretKey":""},"ExpiredTime":1709283600}}""", "Credentials.TmpSecretKey")]
    [InlineData("""{"Response":{"Credentials":{"Token":"t","TmpSecretId":"id","TmpSecretKey":"k"}}}""", "ExpiredTime")]
    [InlineData("""{"Response":{"Credentials":{"Token":"t","TmpSecretId":"id","TmpSecretKey":"k"},"ExpiredTime":"soon"}}""", "ExpiredTime")]
    public async Task FetchAsync_MissingField_ThrowsMalformedNamingTheField(string body, string field)
    {
        _sts.Answer(200, body, JsonType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options()).FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.MalformedResponse, error.Reason);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_ExpiryInThePast_ThrowsMalformed()
    {
        _sts.Answer(200, Success(s_now.AddSeconds(-1)), JsonType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options()).FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.MalformedResponse, error.Reason);
        SecretAssert.Absent(error, TmpSecretKey, TmpToken);
    }

    [Fact]
    public async Task FetchAsync_SlowerThanClientTimeout_ThrowsTransientTimeout()
    {
        _sts.AnswerSlowly(TimeSpan.FromMilliseconds(1500), Success(s_now.AddMinutes(30)), JsonType);
        var source = new TencentStsCredentialsSource(
            StsStandIn.CreateClient(TimeSpan.FromMilliseconds(200)), Options() with { Endpoint = _sts.SlowEndpoint }, PermanentKey, new FakeTimeProvider(s_now));

        StsException error = await Assert.ThrowsAsync<StsException>(() => source.FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.Timeout, error.Reason);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task FetchAsync_CallerCancels_ThrowsOperationCanceled()
    {
        _sts.AnswerSlowly(TimeSpan.FromMilliseconds(1500), Success(s_now.AddMinutes(30)), JsonType);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateSource(Options() with { Endpoint = _sts.SlowEndpoint }).FetchAsync(cancellation.Token));
    }

    [Fact]
    public async Task FetchAsync_NothingListening_ThrowsTransientTransport()
    {
        // A port that was just free on loopback: the connection is refused.
        int port = LoopbackPort.Free();
        var source = CreateSource(Options() with { Endpoint = new Uri($"http://127.0.0.1:{port}/") });

        StsException error = await Assert.ThrowsAsync<StsException>(() => source.FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.Transport, error.Reason);
        Assert.True(error.IsTransient);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblemWithoutValues()
    {
        var options = new TencentStsOptions { Region = "", Action = "GetFederationToken", Name = null, DurationSeconds = 99_999 };

        ArgumentException error = Assert.Throws<ArgumentException>(() => CreateSource(options));

        Assert.Contains("Region", error.Message, StringComparison.Ordinal);
        Assert.Contains("Name", error.Message, StringComparison.Ordinal);
        Assert.Contains("Policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("DurationSeconds", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("99999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownAction_Reported()
    {
        IReadOnlyList<string> errors = new TencentStsOptions { Region = "ap-guangzhou", Action = "GetSessionToken" }.Validate();

        Assert.Contains(errors, e => e.Contains("Action", StringComparison.Ordinal));
    }

    [Fact]
    public void Kind_IsTencentSts() => Assert.Equal("tencent-sts", CreateSource(Options()).Kind);

    private static StorageCredentials PermanentKey => new() { AccessKeyId = PermanentId, SecretKey = PermanentSecret };

    private TencentStsOptions Options() => new()
    {
        Endpoint = _sts.Endpoint,
        Region = "ap-guangzhou",
        Name = "gateway",
        Policy = """{"version":"2.0","statement":[]}""",
    };

    private static TencentStsCredentialsSource CreateSource(TencentStsOptions options) =>
        new(StsStandIn.CreateClient(), options, PermanentKey, new FakeTimeProvider(s_now));

    private static string Success(DateTimeOffset expiry) =>
        $$$"""{"Response":{"Credentials":{"Token":"{{{TmpToken}}}","TmpSecretId":"AKIDTMPEXAMPLE","TmpSecretKey":"{{{TmpSecretKey}}}"},"ExpiredTime":{{{expiry.ToUnixTimeSeconds()}}},"Expiration":"{{{expiry.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}}","RequestId":"r-0"}}""";
}
