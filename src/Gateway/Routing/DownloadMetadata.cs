namespace Gateway.Routing;

/// <summary>The YARP route metadata keys that turn a route into a download route.</summary>
internal static class DownloadMetadata
{
    /// <summary>The store name, a key of <c>Gateway:Stores</c>. Its presence makes the route a download route.</summary>
    public const string Store = "Download.Store";

    /// <summary>The object-key template, such as <c>tenants/{tenant}/{path}</c>; placeholders are route values.</summary>
    public const string KeyTemplate = "Download.Key";

    /// <summary>Optional lifetime of the signed URL, as a TimeSpan (<c>00:05:00</c>).</summary>
    public const string UrlLifetime = "Download.UrlLifetime";

    /// <summary>Optional default disposition of the download: <c>attachment</c> or <c>inline</c>.</summary>
    public const string Disposition = "Download.Disposition";

    /// <summary>Optional <c>true</c>: a caller may ask for <c>inline</c> although the route's default disposition is <c>attachment</c>.</summary>
    public const string AllowInline = "Download.AllowInline";

    /// <summary>Optional default media type of the download, such as <c>application/pdf</c>.</summary>
    public const string ContentType = "Download.ContentType";

    /// <summary>Optional <c>true</c>: check with a signed HEAD (cached briefly) that the object exists, and answer 404 when it does not.</summary>
    public const string CheckExists = "Download.CheckExists";

    /// <summary>Optional <c>redirect</c> (default) or <c>proxy</c>: stream the object through the gateway with a signed upstream request.</summary>
    public const string Mode = "Download.Mode";

    /// <summary>Optional CDN (a name under <c>Gateway:Cdns</c>, or <c>none</c>) whose signed link replaces the bucket's; the store's <c>Cdn</c> by default.</summary>
    public const string Cdn = "Download.Cdn";

    /// <summary>Optional <c>true</c>: bind the CDN link to the caller's IPv4 range (CloudFront custom policy).</summary>
    public const string CdnClientAddress = "Download.CdnClientAddress";

    /// <summary>Optional COS bandwidth cap in bits per second, signed into the URL as <c>x-cos-traffic-limit</c>.</summary>
    public const string TrafficLimit = "Download.TrafficLimit";

    /// <summary>Optional <c>true</c>: a path ending in <c>/</c> answers a folder page (HTML or JSON) of what the caller may download beneath it.</summary>
    public const string Listing = "Download.Listing";
}
