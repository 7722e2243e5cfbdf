using System.Globalization;
using System.Text;
using Gateway.Signing.Encoding;
using Gateway.Signing.Sts;

namespace Gateway.Signing.Credentials;

/// <summary>
/// Gets temporary S3 keys from AWS STS: <c>AssumeRole</c> signed with SigV4 and a permanent key, or, without a
/// permanent key, the unsigned <c>AssumeRoleWithWebIdentity</c> with the token read from
/// <see cref="AwsStsOptions.WebIdentityTokenFile"/> on every call (Kubernetes rotates it). Thread-safe; it sends one
/// request per call and retries nothing itself.
/// </summary>
public sealed class AwsStsCredentialsSource : ICredentialsSource
{
    internal const string Version = "2011-06-15";
    internal const string SigningService = "sts";
    internal const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";
    internal const string AssumeRoleAction = "AssumeRole";
    internal const string AssumeRoleWithWebIdentityAction = "AssumeRoleWithWebIdentity";

    private const string Post = "POST";

    private readonly HttpClient _http;
    private readonly AwsStsOptions _options;
    private readonly StorageCredentials? _permanentKey;
    private readonly TimeProvider _time;
    private readonly string _host;
    private readonly string _action;

    /// <summary>Creates a source that calls <paramref name="options"/>' endpoint through <paramref name="http"/>.</summary>
    /// <param name="http">The client to send with; the host gives it its timeout and resilience pipeline.</param>
    /// <param name="options">What to ask for.</param>
    /// <param name="permanentKey">
    /// The IAM key that signs <c>AssumeRole</c> (its token, if any, is sent and signed as <c>X-Amz-Security-Token</c>);
    /// null to use <c>AssumeRoleWithWebIdentity</c>, which then needs <see cref="AwsStsOptions.WebIdentityTokenFile"/>.
    /// </param>
    /// <param name="time">The clock for <c>X-Amz-Date</c> and the expiry check.</param>
    /// <exception cref="ArgumentException">
    /// A setting is invalid (every problem is listed), the key lacks an id or a secret, or both or neither of a key and a token file are given.
    /// </exception>
    public AwsStsCredentialsSource(HttpClient http, AwsStsOptions options, StorageCredentials? permanentKey, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);

        var errors = new List<string>(options.Validate());
        if (permanentKey is null && options.WebIdentityTokenFile is null)
        {
            errors.Add($"Give a permanent key for {AssumeRoleAction} or {nameof(AwsStsOptions.WebIdentityTokenFile)} for {AssumeRoleWithWebIdentityAction}.");
        }
        else if (permanentKey is not null && options.WebIdentityTokenFile is not null)
        {
            errors.Add($"Give a permanent key or {nameof(AwsStsOptions.WebIdentityTokenFile)}, not both.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid AWS STS settings: " + string.Join(" ", errors), nameof(options));
        }

        if (permanentKey is not null && (string.IsNullOrEmpty(permanentKey.AccessKeyId) || string.IsNullOrEmpty(permanentKey.SecretKey)))
        {
            throw new ArgumentException("The permanent key needs an access key id and a secret key.", nameof(permanentKey));
        }

        _http = http;
        _options = options;
        _permanentKey = permanentKey;
        _time = time;
        _host = StsHttp.HostHeader(options.Endpoint);
        _action = permanentKey is null ? AssumeRoleWithWebIdentityAction : AssumeRoleAction;
    }

    /// <inheritdoc />
    public string Kind => _permanentKey is null ? "aws-web-identity" : "aws-sts";

    /// <inheritdoc />
    public async Task<StorageCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        string? webIdentityToken = _permanentKey is null ? await ReadWebIdentityTokenAsync(cancellationToken).ConfigureAwait(false) : null;
        using HttpRequestMessage request = CreateRequest(_time.GetUtcNow(), webIdentityToken, trace: null);
        StsReply reply = await StsHttp.SendAsync(_http, request, AwsStsResponse.Service, _action, cancellationToken).ConfigureAwait(false);
        return AwsStsResponse.Parse(reply, _action, _time.GetUtcNow());
    }

    /// <summary>Builds the request as it would be sent at <paramref name="now"/>: signed for AssumeRole, unsigned with the token otherwise.</summary>
    internal HttpRequestMessage CreateRequest(DateTimeOffset now, string? webIdentityToken, SigV4RequestTrace? trace)
    {
        byte[] payload = CreatePayload(webIdentityToken);
        var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = new ByteArrayContent(payload) };

        // Added without validation so the bytes sent are the bytes signed.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        if (_permanentKey is null)
        {
            return request;
        }

        string amzDate = SigV4RequestSigner.FormatAmzDate(now);
        var headers = new List<KeyValuePair<string, string>>(4)
        {
            new("content-type", ContentType),
            new("host", _host),
            new("x-amz-date", amzDate),
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (_permanentKey.SessionToken is { Length: > 0 } token)
        {
            headers.Add(new("x-amz-security-token", token));
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        string authorization = SigV4RequestSigner.Sign(
            _permanentKey.AccessKeyId,
            _permanentKey.SecretKey,
            _options.Region,
            SigningService,
            new SigV4Request(Post, _options.Endpoint.AbsolutePath, Query: "", headers, payload, now),
            trace);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    /// <summary>The form body: <c>Action, Version, RoleArn, RoleSessionName, [WebIdentityToken], DurationSeconds, [Policy]</c>.</summary>
    internal byte[] CreatePayload(string? webIdentityToken)
    {
        var form = new StringBuilder();
        AppendField(form, "Action", _action);
        AppendField(form, "Version", Version);
        AppendField(form, "RoleArn", _options.RoleArn);
        AppendField(form, "RoleSessionName", _options.RoleSessionName);
        if (webIdentityToken is not null)
        {
            AppendField(form, "WebIdentityToken", webIdentityToken);
        }

        AppendField(form, "DurationSeconds", _options.DurationSeconds.ToString(CultureInfo.InvariantCulture));
        if (_options.Policy is { Length: > 0 } policy)
        {
            AppendField(form, "Policy", policy);
        }

        return System.Text.Encoding.UTF8.GetBytes(form.ToString());
    }

    private static void AppendField(StringBuilder form, string name, string value)
    {
        if (form.Length > 0)
        {
            form.Append('&');
        }

        form.Append(name).Append('=').Append(UriEncoder.EncodeQueryComponent(value));
    }

    private async Task<string> ReadWebIdentityTokenAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(_options.WebIdentityTokenFile!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw StsException.WebIdentityToken(AwsStsResponse.Service, _action, ex);
        }

        string token = text.Trim();
        return token.Length > 0 ? token : throw StsException.WebIdentityToken(AwsStsResponse.Service, _action, innerException: null);
    }
}
