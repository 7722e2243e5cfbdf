using System.Collections.Frozen;
using System.Globalization;
using Gateway.Cdn;
using Gateway.Stores;

namespace Gateway.Routing;

/// <summary>How a route's links are signed beyond the store's presigner: for a CDN, or with a COS bandwidth cap.</summary>
/// <param name="Cdn">The CDN (a key of <c>Gateway:Cdns</c>) whose link replaces the bucket's, or null.</param>
/// <param name="CdnClientAddress">Bind the CDN link to the caller's IPv4 range.</param>
/// <param name="TrafficLimit">The signed <c>x-cos-traffic-limit</c> parameter, or null.</param>
internal sealed record RouteSigning(string? Cdn, bool CdnClientAddress, KeyValuePair<string, string>? TrafficLimit)
{
    /// <summary>COS's bandwidth cap parameter.</summary>
    public const string TrafficLimitParameter = "x-cos-traffic-limit";

    /// <summary>The smallest cap COS accepts: 100 KB/s, in bits per second.</summary>
    public const long MinTrafficLimit = 819_200;

    /// <summary>The largest cap COS accepts: 100 MB/s, in bits per second.</summary>
    public const long MaxTrafficLimit = 838_860_800;

    /// <summary>Reads the route's <c>Download.Cdn</c>, <c>Download.CdnClientAddress</c> and <c>Download.TrafficLimit</c>; null when it uses none.</summary>
    public static RouteSigning? Compile(
        IReadOnlyDictionary<string, string> metadata, string storeName, bool proxy, bool hasResponseOptions, SigningTargets? targets, List<string> errors)
    {
        targets ??= SigningTargets.Empty;
        var cdn = targets.StoreCdns.GetValueOrDefault(storeName);
        if (metadata.TryGetValue(DownloadMetadata.Cdn, out var routeCdn))
        {
            cdn = routeCdn == CdnOptions.None ? null : routeCdn;
            if (cdn is not null && !targets.Cdns.ContainsKey(cdn))
            {
                errors.Add($"Metadata '{DownloadMetadata.Cdn}' must name a CDN under Gateway:Cdns, or be '{CdnOptions.None}'.");
            }
        }

        var kind = cdn is null ? null : targets.Cdns.GetValueOrDefault(cdn);
        if (cdn is not null && proxy)
        {
            errors.Add($"Metadata '{DownloadMetadata.Mode}' 'proxy' streams from the store, so the route cannot use a CDN: set '{DownloadMetadata.Cdn}' to '{CdnOptions.None}'.");
        }

        // Tencent's URL authentication covers the path only: a caller could change a download option in the query.
        if (kind is CdnKind.TencentA or CdnKind.TencentB or CdnKind.TencentC or CdnKind.TencentD && hasResponseOptions)
        {
            errors.Add("A Tencent CDN does not sign the query, so the route cannot set download options (Download.Disposition, Download.ContentType, Download.AllowInline); set the headers on the CDN.");
        }

        var clientAddress = false;
        if (metadata.TryGetValue(DownloadMetadata.CdnClientAddress, out var clientText)
            && (!bool.TryParse(clientText, out clientAddress) || (clientAddress && kind != CdnKind.Cloudfront)))
        {
            errors.Add($"Metadata '{DownloadMetadata.CdnClientAddress}' must be 'true' or 'false', and 'true' needs a CloudFront CDN.");
        }

        KeyValuePair<string, string>? trafficLimit = null;
        if (metadata.TryGetValue(DownloadMetadata.TrafficLimit, out var limitText))
        {
            if (!long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < MinTrafficLimit or > MaxTrafficLimit)
            {
                errors.Add($"Metadata '{DownloadMetadata.TrafficLimit}' must be a whole number of bits per second from {MinTrafficLimit} to {MaxTrafficLimit}, as COS accepts.");
            }
            else if (targets.Providers.GetValueOrDefault(storeName) is not StoreProvider.Cos)
            {
                errors.Add($"Metadata '{DownloadMetadata.TrafficLimit}' is a COS feature: store '{storeName}' is not a 'cos' store.");
            }
            else if (cdn is not null)
            {
                errors.Add($"Metadata '{DownloadMetadata.TrafficLimit}' is signed into the bucket's URL, which a CDN link replaces: set '{DownloadMetadata.Cdn}' to '{CdnOptions.None}'.");
            }
            else
            {
                trafficLimit = new(TrafficLimitParameter, limit.ToString(CultureInfo.InvariantCulture));
            }
        }

        return cdn is null && trafficLimit is null ? null : new RouteSigning(cdn, clientAddress, trafficLimit);
    }
}

/// <summary>What <see cref="RouteSigning"/> is checked against: each store's provider and CDN, and each CDN's kind.</summary>
internal sealed record SigningTargets(
    FrozenDictionary<string, StoreProvider?> Providers, FrozenDictionary<string, string> StoreCdns, FrozenDictionary<string, CdnKind?> Cdns)
{
    public static readonly SigningTargets Empty = new(
        FrozenDictionary<string, StoreProvider?>.Empty, FrozenDictionary<string, string>.Empty, FrozenDictionary<string, CdnKind?>.Empty);

    public static SigningTargets From(StoresOptions stores, CdnOptions? cdns) => new(
        stores.Stores.ToFrozenDictionary(store => store.Key, store => store.Value.Provider, StringComparer.Ordinal),
        stores.Stores.Where(store => store.Value.Cdn is not null).ToFrozenDictionary(store => store.Key, store => store.Value.Cdn!, StringComparer.Ordinal),
        (cdns?.Cdns ?? []).ToFrozenDictionary(cdn => cdn.Key, cdn => cdn.Value.Kind, StringComparer.Ordinal));
}
