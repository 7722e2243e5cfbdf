using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Gateway.Signing.Encoding;
using Gateway.Signing.Sts;

namespace Gateway.Signing.Credentials;

/// <summary>
/// Gets temporary COS keys from Tencent STS with <c>GetFederationToken</c> or <c>AssumeRole</c>, signing the call with
/// TC3-HMAC-SHA256 and a permanent key. Thread-safe; it sends one request per call and retries nothing itself.
/// </summary>
public sealed class TencentStsCredentialsSource : ICredentialsSource
{
    internal const string Version = "2018-08-13";
    internal const string SigningService = "sts";
    internal const string ContentType = "application/json";

    private const string Post = "POST";

    private readonly HttpClient _http;
    private readonly TencentStsOptions _options;
    private readonly StorageCredentials _permanentKey;
    private readonly TimeProvider _time;
    private readonly string _host;

    /// <summary>Creates a source that calls <paramref name="options"/>' endpoint through <paramref name="http"/>.</summary>
    /// <param name="http">The client to send with; the host gives it its timeout and resilience pipeline.</param>
    /// <param name="options">What to ask for.</param>
    /// <param name="permanentKey">The CAM key that signs the call (its token, if any, is sent as <c>X-TC-Token</c>).</param>
    /// <param name="time">The clock for the signature timestamp and the expiry check.</param>
    /// <exception cref="ArgumentException">A setting is invalid (every problem is listed), or the key lacks an id or a secret.</exception>
    public TencentStsCredentialsSource(HttpClient http, TencentStsOptions options, StorageCredentials permanentKey, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(permanentKey);
        ArgumentNullException.ThrowIfNull(time);

        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Tencent STS settings: " + string.Join(" ", errors), nameof(options));
        }

        if (string.IsNullOrEmpty(permanentKey.AccessKeyId) || string.IsNullOrEmpty(permanentKey.SecretKey))
        {
            throw new ArgumentException("The permanent key needs a SecretId and a SecretKey.", nameof(permanentKey));
        }

        _http = http;
        _options = options;
        _permanentKey = permanentKey;
        _time = time;
        _host = StsHttp.HostHeader(options.Endpoint);
    }

    /// <inheritdoc />
    public string Kind => "tencent-sts";

    /// <inheritdoc />
    public async Task<StorageCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = CreateRequest(_time.GetUtcNow(), trace: null);
        StsReply reply = await StsHttp.SendAsync(_http, request, TencentStsResponse.Service, _options.Action, cancellationToken)
            .ConfigureAwait(false);
        return TencentStsResponse.Parse(reply, _options.Action, _time.GetUtcNow());
    }

    /// <summary>Builds the signed request as it would be sent at <paramref name="now"/>.</summary>
    internal HttpRequestMessage CreateRequest(DateTimeOffset now, Tc3SignatureTrace? trace)
    {
        long timestamp = now.ToUnixTimeSeconds();
        byte[] payload = CreatePayload();
        string authorization = Tc3Signer.Sign(
            _permanentKey.AccessKeyId,
            _permanentKey.SecretKey,
            SigningService,
            new Tc3Request(Post, _options.Endpoint.AbsolutePath, Query: "", ContentType, _host, timestamp, payload),
            trace);

        var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = new ByteArrayContent(payload) };

        // Added without validation so the bytes sent are the bytes signed.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("X-TC-Action", _options.Action);
        request.Headers.TryAddWithoutValidation("X-TC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("X-TC-Version", Version);
        request.Headers.TryAddWithoutValidation("X-TC-Region", _options.Region);
        if (_permanentKey.SessionToken is { Length: > 0 } token)
        {
            request.Headers.TryAddWithoutValidation("X-TC-Token", token);
        }

        return request;
    }

    /// <summary>The JSON body: <c>Name, Policy, DurationSeconds</c> or <c>RoleArn, RoleSessionName, Policy, DurationSeconds</c>.</summary>
    internal byte[] CreatePayload()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (_options.Action == TencentStsOptions.GetFederationTokenAction)
            {
                writer.WriteString("Name", _options.Name);
            }
            else
            {
                writer.WriteString("RoleArn", _options.RoleArn);
                writer.WriteString("RoleSessionName", _options.RoleSessionName);
            }

            if (_options.Policy is { Length: > 0 } policy)
            {
                // The API takes the policy URL-encoded inside the JSON string.
                writer.WriteString("Policy", UriEncoder.EncodeQueryComponent(policy));
            }

            writer.WriteNumber("DurationSeconds", _options.DurationSeconds);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
