using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Redirect;

/// <summary>
/// Sends the proxied request to the signed URL itself. Range and conditional headers pass through, so 206 and 304
/// work; the caller's credentials (Authorization, cookies) never reach the store.
/// </summary>
internal sealed class SignedUpstreamTransformer(Uri signedUrl) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = signedUrl;
        proxyRequest.Headers.Host = null;
        proxyRequest.Headers.Authorization = null;
        proxyRequest.Headers.Remove("Cookie");
    }
}
