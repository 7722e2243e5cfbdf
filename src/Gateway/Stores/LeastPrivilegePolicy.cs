using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Routing;

namespace Gateway.Stores;

/// <summary>
/// The access policy a store's temporary keys are requested with, generated from the gateway's own
/// configuration: read-only object access (GET and HEAD) on the store's bucket, under the key prefixes its
/// download routes can reach, and nothing else.
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

    /// <summary>The policy document for the store's provider: a CAM policy for COS, an IAM session policy for S3.</summary>
    public static string For(StoreOptions store, IReadOnlyList<string> prefixes, bool indented = false)
    {
        var document = store.Provider == StoreProvider.Cos ? CamPolicy(store, prefixes) : IamPolicy(store, prefixes);
        return document.ToJsonString(indented ? new JsonSerializerOptions { WriteIndented = true } : Compact);
    }

    private static JsonObject CamPolicy(StoreOptions store, IReadOnlyList<string> prefixes)
    {
        var bucket = store.Bucket!;
        // A COS bucket name ends in its owner's APPID: examplebucket-1250000000.
        var appId = bucket[(bucket.LastIndexOf('-') + 1)..];
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
