using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Routing;

namespace Gateway.Stores;

/// <summary>
/// The access policy a store's temporary keys are requested with, generated from the gateway's own
/// configuration: read-only object access (GET and HEAD) on the store's bucket, under the key prefixes its
/// download routes can reach, and listing under the prefixes of its routes with folder pages; nothing else.
/// </summary>
internal static class LeastPrivilegePolicy
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The key prefixes the store's routes can reach; an empty prefix means the whole bucket.</summary>
    public static IReadOnlyList<string> Prefixes(string storeName, IEnumerable<DownloadRoute> routes)
    {
        var prefixes = routes.Where(route => route.StoreName == storeName)
            .Select(route => route.KeyTemplate.LiteralPrefix)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        // A prefix inside another one adds nothing.
        return [.. prefixes.Where(prefix => !prefixes.Any(other => other != prefix && prefix.StartsWith(other, StringComparison.Ordinal)))];
    }

    /// <summary>The key prefixes the store's routes with folder pages (<c>Download.Listing</c>) can list.</summary>
    public static IReadOnlyList<string> ListingPrefixes(string storeName, IEnumerable<DownloadRoute> routes) =>
        Prefixes(storeName, routes.Where(route => route.Listing));

    /// <summary>
    /// The policy document for the store's provider: a CAM policy for COS, an IAM session policy for S3; with
    /// <paramref name="listing"/> prefixes, also the right to list keys that start with them.
    /// </summary>
    public static string For(StoreOptions store, IReadOnlyList<string> prefixes, bool indented = false, IReadOnlyList<string>? listing = null)
    {
        var document = store.Provider == StoreProvider.Cos ? CamPolicy(store, prefixes) : IamPolicy(store, prefixes);
        if (listing is { Count: > 0 })
        {
            var statements = (JsonArray)document[store.Provider == StoreProvider.Cos ? "statement" : "Statement"]!;
            statements.Add(store.Provider == StoreProvider.Cos ? CamListing(store, listing) : IamListing(store, listing));
        }

        return document.ToJsonString(indented ? new JsonSerializerOptions { WriteIndented = true } : Compact);
    }

    // GET Bucket is authorised on the bucket, narrowed to the listed prefixes by the cos:prefix condition.
    private static JsonObject CamListing(StoreOptions store, IReadOnlyList<string> prefixes) => new()
    {
        ["effect"] = "allow",
        ["action"] = new JsonArray("name/cos:GetBucket"),
        ["resource"] = new JsonArray((JsonNode)$"qcs::cos:{store.Region}:uid/{AppId(store.Bucket!)}:{store.Bucket}/*"),
        ["condition"] = new JsonObject { ["string_like"] = new JsonObject { ["cos:prefix"] = new JsonArray([.. prefixes.Select(prefix => (JsonNode)$"{prefix}*")]) } },
    };

    // ListObjectsV2 is authorised by s3:ListBucket on the bucket, narrowed to the listed prefixes by the s3:prefix condition.
    private static JsonObject IamListing(StoreOptions store, IReadOnlyList<string> prefixes) => new()
    {
        ["Effect"] = "Allow",
        ["Action"] = new JsonArray("s3:ListBucket"),
        ["Resource"] = new JsonArray((JsonNode)$"arn:aws:s3:::{store.Bucket}"),
        ["Condition"] = new JsonObject { ["StringLike"] = new JsonObject { ["s3:prefix"] = new JsonArray([.. prefixes.Select(prefix => (JsonNode)$"{prefix}*")]) } },
    };

    // A COS bucket name ends in its owner's APPID: examplebucket-1250000000.
    private static string AppId(string bucket) => bucket[(bucket.LastIndexOf('-') + 1)..];

    private static JsonObject CamPolicy(StoreOptions store, IReadOnlyList<string> prefixes)
    {
        var bucket = store.Bucket!;
        var appId = AppId(bucket);
        return new JsonObject
        {
            ["version"] = "2.0",
            ["statement"] = new JsonArray(new JsonObject
            {
                ["effect"] = "allow",
                ["action"] = new JsonArray("name/cos:GetObject", "name/cos:HeadObject"),
                ["resource"] = new JsonArray([.. prefixes.Select(prefix => (JsonNode)$"qcs::cos:{store.Region}:uid/{appId}:{bucket}/{prefix}*")]),
            }),
        };
    }

    private static JsonObject IamPolicy(StoreOptions store, IReadOnlyList<string> prefixes) => new()
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Effect"] = "Allow",
            // HEAD on an object is authorised by s3:GetObject.
            ["Action"] = new JsonArray("s3:GetObject"),
            ["Resource"] = new JsonArray([.. prefixes.Select(prefix => (JsonNode)$"arn:aws:s3:::{store.Bucket}/{prefix}*")]),
        }),
    };
}
