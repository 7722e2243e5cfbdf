using System.Net.Http.Headers;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Redirect;

/// <summary>
/// Proxy mode's upstream request and answer. The store is sent the signed URL and only the headers that ranges and
/// caching need; the caller gets only the store's content headers, with the gateway's own hardening: the object is
/// served on the gateway's origin, where the session cookie lives, so it must never be shown as a page.
/// </summary>
internal sealed class SignedUpstreamTransformer(Uri signedUrl) : HttpTransformer
{
    private static readonly string[] RequestAllowlist =
    [
        HeaderNames.Range, HeaderNames.IfMatch, HeaderNames.IfNoneMatch, HeaderNames.IfModifiedSince, HeaderNames.IfUnmodifiedSince,
        HeaderNames.IfRange, HeaderNames.Accept, HeaderNames.AcceptEncoding,
    ];

    private static readonly string[] ResponseAllowlist =
    [
        HeaderNames.AcceptRanges, HeaderNames.ETag, HeaderNames.LastModified,
    ];

    private static readonly string[] ContentAllowlist =
    [
        HeaderNames.ContentType, HeaderNames.ContentLength, HeaderNames.ContentRange, HeaderNames.ContentEncoding,
    ];

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        proxyRequest.RequestUri = signedUrl;
        proxyRequest.Version = httpContext.Request.Protocol == "HTTP/2" ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11;
        var headers = httpContext.Request.Headers;
        foreach (var name in RequestAllowlist)
        {
            if (headers.TryGetValue(name, out var values))
            {
                proxyRequest.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var response = httpContext.Response;
        if (proxyResponse is null)
        {
            return new(true);
        }

        response.StatusCode = (int)proxyResponse.StatusCode;
        Copy(proxyResponse.Headers, ResponseAllowlist, response.Headers);
        Copy(proxyResponse.Content.Headers, ContentAllowlist, response.Headers);

        var headers = response.Headers;
        headers.CacheControl = "private, no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "sandbox";
        headers["Referrer-Policy"] = "no-referrer";
        var type = proxyResponse.Content.Headers.ContentType?.ToString();
        var disposition = proxyResponse.Content.Headers.ContentDisposition?.ToString();
        if (type is null || !ResponseOverrides.IsInlineSafe(type))
        {
            // The store's own attachment keeps its download name; anything else is saved, never shown.
            headers.ContentDisposition = disposition?.StartsWith("attachment", StringComparison.OrdinalIgnoreCase) == true ? disposition : "attachment";
        }
        else if (disposition is not null)
        {
            headers.ContentDisposition = disposition;
        }

        return new(true);
    }

    private static void Copy(HttpHeaders from, string[] allowlist, IHeaderDictionary to)
    {
        foreach (var name in allowlist)
        {
            if (from.TryGetValues(name, out var values))
            {
                to[name] = values.ToArray();
            }
        }
    }
}
