using System.Globalization;
using System.Net;
using Gateway.Signing.Credentials;
using Gateway.Signing.Sts;
using Microsoft.Extensions.Time.Testing;
using WireMock;

namespace Gateway.Signing.Tests.Credentials;

public sealed class AwsStsCredentialsSourceTests : IClassFixture<StsStandIn>, IDisposable
{
    private const string XmlType = "text/xml";
    private const string FormType = "application/x-www-form-urlencoded; charset=utf-8";
    private const string PermanentId = "AKIAPERMANENTEXAMPLE";
    private const string PermanentSecret = "PermanentSecret/ThatMustNeverLeak";
    private const string TmpSecretKey = "TmpSecretKey+ThatMustNeverLeak";
    private const string TmpToken = "TmpToken/ThatMustNeverLeak==";
    private const string RoleArn = "arn:aws:iam::123456789012:role/gateway-reader";

    private static readonly DateTimeOffset s_now = new(2024, 3, 1, 8, 30, 0, TimeSpan.Zero);

    private readonly StsStandIn _sts;
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-sts-tests-").FullName;

    public AwsStsCredentialsSourceTests(StsStandIn sts)
    {
        _sts = sts;
        _sts.Reset();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task FetchAsync_AssumeRolePinnedClock_SendsSigV4ForThatTime()
    {
        _sts.Answer(200, Success("AssumeRole", s_now.AddHours(1)), XmlType);
        AwsStsOptions options = Options() with { Policy = """{"Version":"2012-10-17","Statement":[]}""" };

        await CreateSource(options, PermanentKey).FetchAsync(CancellationToken.None);

        IRequestMessage sent = Assert.Single(_sts.Requests);
        const string expectedBody =
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgateway-reader"
            + "&RoleSessionName=gateway&DurationSeconds=3600"
            + "&Policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        Assert.Equal(expectedBody, sent.Body);
        Assert.Equal(FormType, StsStandIn.Header(sent, "Content-Type"));
        Assert.Equal("20240301T083000Z", StsStandIn.Header(sent, "X-Amz-Date"));
        Assert.Null(StsStandIn.Header(sent, "X-Amz-Security-Token"));

        string expectedAuthorization = SigV4RequestSigner.Sign(
            PermanentId,
            PermanentSecret,
            "us-east-1",
            "sts",
            new SigV4Request(
                "POST",
                "/",
                "",
                [new("content-type", FormType), new("host", _sts.Host), new("x-amz-date", "20240301T083000Z")],
                System.Text.Encoding.UTF8.GetBytes(expectedBody),
                s_now),
            trace: null);
        Assert.Equal(expectedAuthorization, StsStandIn.Header(sent, "Authorization"));
        Assert.StartsWith(
            "AWS4-HMAC-SHA256 Credential=AKIAPERMANENTEXAMPLE/20240301/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=",
            expectedAuthorization);
    }

    [Fact]
    public async Task FetchAsync_PermanentKeyWithSessionToken_SendsAndSignsIt()
    {
        _sts.Answer(200, Success("AssumeRole", s_now.AddHours(1)), XmlType);
        StorageCredentials key = PermanentKey with { SessionToken = "outer-session-token" };

        await CreateSource(Options(), key).FetchAsync(CancellationToken.None);

        IRequestMessage sent = Assert.Single(_sts.Requests);
        Assert.Equal("outer-session-token", StsStandIn.Header(sent, "X-Amz-Security-Token"));
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,", StsStandIn.Header(sent, "Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_AssumeRoleSuccess_ReturnsTemporaryCredentials()
    {
        _sts.Answer(200, Success("AssumeRole", new DateTimeOffset(2024, 3, 1, 9, 30, 0, TimeSpan.Zero)), XmlType);

        AwsStsCredentialsSource source = CreateSource(Options(), PermanentKey);
        StorageCredentials credentials = await source.FetchAsync(CancellationToken.None);

        Assert.Equal("aws-sts", source.Kind);
        Assert.Equal("ASIATEMPORARYEXAMPLE", credentials.AccessKeyId);
        Assert.Equal(TmpSecretKey, credentials.SecretKey);
        Assert.Equal(TmpToken, credentials.SessionToken);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 9, 30, 0, TimeSpan.Zero), credentials.Expiration);
    }

    [Fact]
    public async Task FetchAsync_WebIdentity_RereadsTokenFileOnEveryCallAndSendsUnsigned()
    {
        _sts.Answer(200, Success("AssumeRoleWithWebIdentity", s_now.AddHours(1)), XmlType);
        string tokenFile = Path.Combine(_folder, "token");
        await File.WriteAllTextAsync(tokenFile, "eyJ.first-token.sig\n");
        AwsStsCredentialsSource source = CreateSource(Options() with { WebIdentityTokenFile = tokenFile }, permanentKey: null);

        StorageCredentials first = await source.FetchAsync(CancellationToken.None);
        await File.WriteAllTextAsync(tokenFile, "eyJ.second-token.sig");
        await source.FetchAsync(CancellationToken.None);

        Assert.Equal("aws-web-identity", source.Kind);
        Assert.Equal(TmpToken, first.SessionToken);
        Assert.Collection(
            _sts.Requests,
            sent =>
            {
                Assert.Equal(
                    "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgateway-reader"
                    + "&RoleSessionName=gateway&WebIdentityToken=eyJ.first-token.sig&DurationSeconds=3600",
                    sent.Body);
                Assert.Null(StsStandIn.Header(sent, "Authorization"));
                Assert.Null(StsStandIn.Header(sent, "X-Amz-Date"));
            },
            sent => Assert.Contains("&WebIdentityToken=eyJ.second-token.sig&", sent.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FetchAsync_WebIdentityTokenFileMissing_ThrowsWithoutCallingService()
    {
        AwsStsCredentialsSource source = CreateSource(Options() with { WebIdentityTokenFile = Path.Combine(_folder, "absent") }, permanentKey: null);

        StsException error = await Assert.ThrowsAsync<StsException>(() => source.FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.WebIdentityToken, error.Reason);
        Assert.Empty(_sts.Requests);
    }

    [Fact]
    public async Task FetchAsync_WebIdentityTokenFileEmpty_Throws()
    {
        string tokenFile = Path.Combine(_folder, "empty");
        await File.WriteAllTextAsync(tokenFile, "  \n");

        StsException error = await Assert.ThrowsAsync<StsException>(
            () => CreateSource(Options() with { WebIdentityTokenFile = tokenFile }, permanentKey: null).FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.WebIdentityToken, error.Reason);
    }

    [Fact]
    public async Task FetchAsync_AccessDenied_ThrowsWithCodeButNotMessage()
    {
        _sts.Answer(403, Error("AccessDenied", "User arn:aws:iam::1:user/x SENSITIVE-DETAIL"), XmlType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options(), PermanentKey).FetchAsync(CancellationToken.None));

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("AWS STS AssumeRole failed: HTTP 403, error code AccessDenied.", error.Message);
        SecretAssert.Absent(error, "SENSITIVE-DETAIL", PermanentSecret);
    }

    [Theory]
    [InlineData(400, "Throttling")]
    [InlineData(400, "IDPCommunicationError")]
    [InlineData(503, "ServiceUnavailable")]
    public async Task FetchAsync_RetryableErrorCode_IsTransient(int status, string code)
    {
        _sts.Answer(status, Error(code, "m"), XmlType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options(), PermanentKey).FetchAsync(CancellationToken.None));

        Assert.Equal(code, error.ErrorCode);
        Assert.True(error.IsTransient);
    }

    [Theory]
    [InlineData(500, "")]
    [InlineData(502, "<html><body>SENSITIVE-DETAIL</body></html>")]
    [InlineData(429, "SENSITIVE-DETAIL")]
    public async Task FetchAsync_ServerErrorOrThrottledWithoutErrorDocument_ThrowsTransient(int status, string body)
    {
        _sts.Answer(status, body, "text/html");

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options(), PermanentKey).FetchAsync(CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.Equal(StsFailureReason.ServiceError, error.Reason);
        Assert.Null(error.ErrorCode);
        SecretAssert.Absent(error, "SENSITIVE-DETAIL");
    }

    [Theory]
    [InlineData("<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>SENSITIVE-DETAIL")]
    [InlineData("SENSITIVE-DETAIL")]
    [InlineData("")]
    [InlineData("{\"AccessKeyId\":\"SENSITIVE-DETAIL\"}")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><AssumeRoleResponse>&x;SENSITIVE-DETAIL</AssumeRoleResponse>")]
    [InlineData("<SomethingElse>SENSITIVE-DETAIL</SomethingElse>")]
    public async Task FetchAsync_MalformedXml_ThrowsNotTransientWithoutEchoingBody(string body)
    {
        _sts.Answer(200, body, XmlType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options(), PermanentKey).FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.MalformedResponse, error.Reason);
        Assert.False(error.IsTransient);
        Assert.Null(error.InnerException);
        SecretAssert.Absent(error, "SENSITIVE-DETAIL");
    }

    [Theory]
    [InlineData("AccessKeyId")]
    [InlineData("SecretAccessKey")]
    [InlineData("SessionToken")]
    [InlineData("Expiration")]
    public async Task FetchAsync_MissingField_ThrowsMalformedNamingTheField(string field)
    {
        string body = Success("AssumeRole", s_now.AddHours(1));
        int start = body.IndexOf("<" + field + ">", StringComparison.Ordinal);
        int end = body.IndexOf("</" + field + ">", StringComparison.Ordinal) + field.Length + 3;
        _sts.Answer(200, body.Remove(start, end - start), XmlType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options(), PermanentKey).FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.MalformedResponse, error.Reason);
        Assert.Contains("Credentials." + field, error.Message, StringComparison.Ordinal);
        SecretAssert.Absent(error, TmpSecretKey, TmpToken);
    }

    [Fact]
    public async Task FetchAsync_ExpiryInThePast_ThrowsMalformed()
    {
        _sts.Answer(200, Success("AssumeRole", s_now.AddMinutes(-1)), XmlType);

        StsException error = await Assert.ThrowsAsync<StsException>(() => CreateSource(Options(), PermanentKey).FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.MalformedResponse, error.Reason);
    }

    [Fact]
    public async Task FetchAsync_SlowerThanClientTimeout_ThrowsTransientTimeout()
    {
        _sts.AnswerSlowly(TimeSpan.FromMilliseconds(1500), Success("AssumeRole", s_now.AddHours(1)), XmlType);
        var source = new AwsStsCredentialsSource(
            StsStandIn.CreateClient(TimeSpan.FromMilliseconds(200)), Options() with { Endpoint = _sts.SlowEndpoint }, PermanentKey, new FakeTimeProvider(s_now));

        StsException error = await Assert.ThrowsAsync<StsException>(() => source.FetchAsync(CancellationToken.None));

        Assert.Equal(StsFailureReason.Timeout, error.Reason);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public void Constructor_KeyAndTokenFileBoth_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(
            () => CreateSource(Options() with { WebIdentityTokenFile = "token" }, PermanentKey));

        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NeitherKeyNorTokenFile_Throws()
    {
        Assert.Throws<ArgumentException>(() => CreateSource(Options(), permanentKey: null));
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblemWithoutValues()
    {
        var options = new AwsStsOptions { RoleArn = "", RoleSessionName = "x", DurationSeconds = 60, Region = " " };

        ArgumentException error = Assert.Throws<ArgumentException>(() => CreateSource(options, PermanentKey));

        foreach (string setting in new[] { "RoleArn", "RoleSessionName", "DurationSeconds", "Region" })
        {
            Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(" 60 ", error.Message, StringComparison.Ordinal);
    }

    private static StorageCredentials PermanentKey => new() { AccessKeyId = PermanentId, SecretKey = PermanentSecret };

    private AwsStsOptions Options() => new() { Endpoint = _sts.Endpoint, RoleArn = RoleArn };

    private static AwsStsCredentialsSource CreateSource(AwsStsOptions options, StorageCredentials? permanentKey) =>
        new(StsStandIn.CreateClient(), options, permanentKey, new FakeTimeProvider(s_now));

    private static string Success(string action, DateTimeOffset expiry) => $"""
        <{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <{action}Result>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/gateway-reader/gateway</Arn>
              <AssumedRoleId>AROA3XFRBF535PLBIFPI4:gateway</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>ASIATEMPORARYEXAMPLE</AccessKeyId>
              <SecretAccessKey>{TmpSecretKey}</SecretAccessKey>
              <SessionToken>{TmpToken}</SessionToken>
              <Expiration>{expiry.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}</Expiration>
            </Credentials>
          </{action}Result>
          <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
        </{action}Response>
        """;

    private static string Error(string code, string message) => $"""
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
          <RequestId>r-1</RequestId>
        </ErrorResponse>
        """;
}
