using System.Text;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hardening;

/// <summary>
/// One hostile request and the single safe answer expected for it: an exact status, and for a redirect the exact
/// signed path inside the store (or the exact local path for sign-out).
/// </summary>
/// <param name="Name">How the case names itself in the test output: "group: what is sent".</param>
/// <param name="Status">The exact status expected.</param>
internal sealed record BadInputCase(string Name, int Status)
{
    /// <summary>The request method, sent as written.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The request target, sent byte for byte as written (no client normalises it).</summary>
    public string Target { get; init; } = "/files/acme/reports/q3.pdf";

    /// <summary>The bearer token sent, or none.</summary>
    public string? Token { get; init; }

    /// <summary>Further header lines, sent as written after the defaults.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];

    /// <summary>The <c>Host</c> header's value (<see cref="DefaultHost"/> stands for the gateway's own address), or null to send none.</summary>
    public string? Host { get; init; } = DefaultHost;

    /// <summary>For a download that is signed (302, or 200 with a JSON link): where the signed URL must point.</summary>
    public SignedTarget? Signed { get; init; }

    /// <summary>For sign-out: the exact local <c>Location</c>.</summary>
    public string? LocalRedirect { get; init; }

    /// <summary>For 401: the exact <c>WWW-Authenticate</c> value.</summary>
    public string? Challenge { get; init; }

    /// <summary>The exact media type of the answer, where the case is about it (an HTML page for a person).</summary>
    public string? MediaType { get; init; }

    /// <summary>For a signed download name: the exact signed <c>response-content-disposition</c>.</summary>
    public string? Disposition { get; init; }

    /// <summary>A request body, sent as UTF-8 with its Content-Type and Content-Length.</summary>
    public string? Body { get; init; }

    /// <summary>The body's media type.</summary>
    public string BodyType { get; init; } = "application/json";

    /// <summary>For the batch endpoint: the exact status of the single item's error.</summary>
    public int? ItemStatus { get; init; }

    /// <summary>Values sent with this case that must never come back (a garbage token, for instance).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Placeholder for the server's own address in <see cref="Host"/>.</summary>
    public const string DefaultHost = "{server}";

    public override string ToString() => Name;

    /// <summary>The request exactly as it goes on the wire; every request ends the connection after its answer.</summary>
    public string ToRequest(Uri server)
    {
        var request = new StringBuilder();
        request.Append(Method).Append(' ').Append(Target).Append(" HTTP/1.1\r\n");
        if (Host is not null)
        {
            request.Append("Host: ").Append(Host.Replace(DefaultHost, server.Authority, StringComparison.Ordinal)).Append("\r\n");
        }

        if (Token is not null)
        {
            request.Append("Authorization: Bearer ").Append(Token).Append("\r\n");
        }

        request.Append("Cookie: ").Append(SafeAnswer.SessionCookie).Append("\r\n");
        foreach (var header in Headers)
        {
            request.Append(header).Append("\r\n");
        }

        // The socket sends each char as one byte, so a UTF-8 body goes in as its bytes.
        var body = Body is null ? "" : Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(Body));
        if (Body is not null)
        {
            request.Append("Content-Type: ").Append(BodyType).Append("\r\nContent-Length: ").Append(body.Length).Append("\r\n");
        }

        request.Append("Connection: close\r\n\r\n").Append(body);
        return request.ToString();
    }
}

/// <summary>Where a signed URL must point: a store, and the exact bucket path inside the route's key prefix.</summary>
/// <param name="Store">The store that signs.</param>
/// <param name="KeyPrefix">The prefix every key of the route (and caller) must keep, such as <c>tenants/acme/</c>.</param>
/// <param name="Key">The rest of the key, percent-encoded as it appears in the signed URL.</param>
internal sealed record SignedTarget(StoreEndpoint Store, string KeyPrefix, string Key)
{
    public string Path => Store.BucketPath + KeyPrefix + Key;
}

/// <summary>A configured store as a redirect may reach it (from <c>config/gateway.json</c>).</summary>
/// <param name="Name">The store's name in configuration.</param>
/// <param name="BucketPath">The path in front of every key: <c>/demo/</c> for the path-style s3rver, <c>/</c> for COS.</param>
/// <param name="SignatureParameter">The query parameter every signed URL of the store carries.</param>
/// <param name="SigningParameters">Every query parameter the store's signed URLs may carry; nothing a caller sent may be added.</param>
internal sealed record StoreEndpoint(string Name, string BucketPath, string SignatureParameter, string[] SigningParameters)
{
    private static readonly string[] ResponseParameters = ["response-content-disposition", "response-content-type"];

    /// <summary>The shared gateway's s3rver (path style, bucket <c>demo</c>); its origin is the fixture's.</summary>
    public static StoreEndpoint S3 { get; } = new("demo-s3", "/demo/", "X-Amz-Signature",
        ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature", .. ResponseParameters]);

    /// <summary>The demo COS bucket (virtual-hosted), exactly as configured.</summary>
    public static StoreEndpoint Cos { get; } = new("demo-cos", "/", "q-signature",
        ["q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature", "x-cos-security-token", .. ResponseParameters]);

    /// <summary>The COS bucket's origin from <c>config/gateway.json</c>.</summary>
    public const string CosOrigin = "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
}

/// <summary>
/// The checks every bad-input answer must pass, whatever the case: the exact expected status and never a 5xx; a
/// Location (or JSON link) only where the case expects one, and then only inside the configured store, the bucket and
/// the route's key prefix; and no secret anywhere in the status line, headers or body.
/// </summary>
internal static class SafeAnswer
{
    /// <summary>A session cookie sent with every case; its value must never come back.</summary>
    public static readonly string SessionCookieValue = SecretScan.Canary("session");

    public static readonly string SessionCookie = $"gateway.session={SessionCookieValue}; other={SecretScan.Canary("cookie")}";

    /// <summary>What no answer may ever contain.</summary>
    private static readonly string[] Secrets =
    [
        SecretScan.S3Secret,
        "demo-secret-not-a-real-key",   // the COS demo secret
        TestTokens.DevSecret,           // the JWT signing key
        .. TestTokens.StoreSecrets,     // the stores' secrets
        SecretScan.CanaryPrefix,        // cookies and garbage tokens the suite sends
        "Bearer ey",
    ];

    public static void Check(BadInputCase @case, RawExchange exchange, Uri s3Origin)
    {
        var response = Assert.Single(exchange.Responses);
        var context = $"{@case.Name}: {response.StatusLine}";
        Assert.True(response.Status < 500, $"{context} (a 5xx)");
        Assert.True(@case.Status == response.Status, $"{context}, expected {@case.Status}");
        Assert.True(exchange.Trailing.Length == 0, $"{context}: bytes after the response");

        var location = response.Header("Location");
        if (@case.LocalRedirect is { } local)
        {
            Assert.Equal(local, location);
            Assert.True(IsLocalPath(location!), $"{context}: sign-out left the gateway: {location}");
        }
        else if (response.Status == 302)
        {
            var signed = @case.Signed ?? throw new InvalidOperationException($"{@case.Name}: a 302 case names its signed target.");
            CheckSignedUrl(context, location, signed, s3Origin);
            var disposition = new Uri(location!).Query.TrimStart('?').Split('&')
                .Select(pair => pair.Split('=', 2))
                .Where(pair => pair[0] == "response-content-disposition")
                .Select(pair => Uri.UnescapeDataString(pair[1]))
                .SingleOrDefault();
            Assert.Equal(@case.Disposition, disposition);
            Assert.Equal("no-store", response.Header("Cache-Control"));
            Assert.Equal("no-referrer", response.Header("Referrer-Policy"));
        }
        else
        {
            Assert.True(location is null, $"{context}: unexpected Location {location}");
        }

        if (response.Status == 200)
        {
            // A JSON link ({"url": ...}) or a batch ({"results": [{"url": ...} or {"error": ...}]}): every URL is checked.
            using var json = JsonDocument.Parse(response.Body);
            var urls = Urls(json.RootElement).ToList();
            Assert.True(urls.Count > 0 == @case.Signed is not null, $"{context}: {urls.Count} signed URLs in the body");
            foreach (var url in urls)
            {
                CheckSignedUrl(context, url, @case.Signed!, s3Origin);
            }

            if (@case.ItemStatus is { } itemStatus)
            {
                var item = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
                Assert.Equal(itemStatus, item.GetProperty("error").GetProperty("status").GetInt32());
            }
        }
        else
        {
            Assert.True(!response.Body.Contains(StoreEndpoint.S3.SignatureParameter, StringComparison.OrdinalIgnoreCase)
                && !response.Body.Contains(StoreEndpoint.Cos.SignatureParameter, StringComparison.OrdinalIgnoreCase), $"{context}: a signed URL in the body");
        }

        if (response.Status == 401)
        {
            Assert.Equal(@case.Challenge ?? throw new InvalidOperationException($"{@case.Name}: a 401 case names its challenge."), response.Header("WWW-Authenticate"));
        }

        if (@case.MediaType is { } mediaType)
        {
            Assert.Equal(mediaType, response.Header("Content-Type")?.Split(';')[0]);
        }

        if (response.Status == 405)
        {
            Assert.Equal("GET, HEAD", response.Header("Allow"));
        }

        CheckNoSecrets(context, response.Raw, @case.Token is { Length: >= 8 } token ? [token, .. TokenParts(token), .. @case.Secrets] : @case.Secrets);
        foreach (var internals in new[] { "Exception", "   at ", "IDX1", "IDX2", "<script" })
        {
            Assert.True(!response.Raw.Contains(internals, StringComparison.OrdinalIgnoreCase), $"{context}: internals or script ('{internals}') in the answer");
        }
    }

    /// <summary>The signed URL points at the store's origin, inside the bucket and the key prefix, at exactly the expected key.</summary>
    public static void CheckSignedUrl(string context, string? url, SignedTarget target, Uri s3Origin)
    {
        Assert.True(url is not null, $"{context}: no signed URL");
        var origin = target.Store == StoreEndpoint.S3 ? s3Origin.GetLeftPart(UriPartial.Authority) : StoreEndpoint.CosOrigin;
        var prefix = origin + target.Store.BucketPath + target.KeyPrefix;

        // The raw text first: what a browser would resolve, before any parser has a say.
        Assert.True(url.StartsWith(prefix, StringComparison.Ordinal), $"{context}: {url} is outside {prefix}");
        Assert.True(!url.Any(c => c is '\\' or '#' or <= ' ' or >= '\u007f'), $"{context}: {url} holds a character a browser would reinterpret");

        var separator = url.IndexOf('?', StringComparison.Ordinal);
        var path = url[origin.Length..(separator < 0 ? url.Length : separator)];
        Assert.Equal(target.Path, path);
        foreach (var segment in path.Split('/'))
        {
            // Browsers treat %2e%2e like ".." (WHATWG URL), so the segments are checked decoded once as well.
            Assert.True(Uri.UnescapeDataString(segment) is not ("." or ".."), $"{context}: dot segment in {path}");
        }

        var uri = new Uri(url);
        Assert.Equal(origin, uri.GetLeftPart(UriPartial.Authority));
        Assert.Equal("", uri.UserInfo);
        var names = uri.Query.TrimStart('?').Split('&').Select(pair => pair.Split('=', 2)[0]).ToList();
        Assert.Contains(target.Store.SignatureParameter, names);
        Assert.All(names, name => Assert.Contains(name, target.Store.SigningParameters));
        Assert.True(names.Count == names.Distinct().Count(), $"{context}: a signing parameter twice in {url}");
    }

    public static void CheckNoSecrets(string context, string answer, IEnumerable<string> alsoForbidden)
    {
        foreach (var secret in Secrets.Concat(alsoForbidden))
        {
            Assert.True(!answer.Contains(secret, StringComparison.Ordinal), $"{context}: the answer contains a secret starting '{secret[..Math.Min(6, secret.Length)]}'");
        }
    }

    private static IEnumerable<string> Urls(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(property =>
            property.NameEquals("url") ? [property.Value.GetString()!] : Urls(property.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Urls),
        _ => [],
    };

    /// <summary>A local path a browser stays on this host for: one leading slash, not followed by a slash or backslash.</summary>
    private static bool IsLocalPath(string location) =>
        location.StartsWith('/') && (location.Length == 1 || location[1] is not ('/' or '\\')) && !location.Any(c => c is '\\' or <= ' ' or >= '\u007f');

    /// <summary>The signature part of a token (long enough to be unique), which must not come back on its own either.</summary>
    private static IEnumerable<string> TokenParts(string token) =>
        token.Split('.') is [_, _, { Length: >= 16 } signature, ..] ? [signature] : [];
}
