using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Configuration;
using Gateway.RateLimiting;
using Gateway.Routing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace Gateway.Redirect;

/// <summary>
/// <c>POST /links</c>: signs many downloads in one request. Each path is mapped, authorised (the route's policy and
/// the rules) and audited on its own, and gets a link or an error with its reason.
/// </summary>
internal static class BatchLinksEndpoint
{
    public const string Path = "/links";

    /// <summary>The most paths one request may carry.</summary>
    public const int MaxItems = 100;

    /// <summary>Maps the endpoint. The request itself is not limited: each link counts against its own route's policy instead.</summary>
    public static void MapBatchLinks(this WebApplication app) => app.MapPost(Path, HandleAsync).DisableRateLimiting();

    private static async Task<IResult> HandleAsync(
        BatchRequest body,
        HttpContext context,
        IProxyStateLookup proxy,
        IOptions<GatewayOptions> options,
        DownloadSigner signer,
        IAuthorizationService authorization,
        SigningRateLimits limits)
    {
        var method = body.Method is null ? HttpMethods.Get : HttpMethods.GetCanonicalizedValue(body.Method.ToUpperInvariant());
        if (body.Paths is not { Count: > 0 } paths || paths.Count > MaxItems || !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid batch",
                detail: $"Send 'paths' with 1 to {MaxItems} request paths, and 'method' GET or HEAD (default GET).");
        }

        var resolver = new DownloadPathResolver(proxy.GetRoutes().Select(route => route.Config), options.Value);
        var results = new List<BatchItem>(paths.Count);
        foreach (var rawPath in paths)
        {
            results.Add(await SignOneAsync(rawPath ?? "", method, context, resolver, signer, authorization, limits));
        }

        return TypedResults.Json(new BatchResponse(results), BatchJson.Default.BatchResponse);
    }

    private static async Task<BatchItem> SignOneAsync(
        string rawPath,
        string method,
        HttpContext context,
        DownloadPathResolver resolver,
        DownloadSigner signer,
        IAuthorizationService authorization,
        SigningRateLimits limits)
    {
        var separator = rawPath.IndexOf('?', StringComparison.Ordinal);
        var path = separator < 0 ? rawPath : rawPath[..separator];
        var query = new QueryCollection(separator < 0 ? [] : QueryHelpers.ParseQuery(rawPath[separator..]));
        if (!path.StartsWith('/') || resolver.Resolve(path) is not { } resolved)
        {
            return BatchItem.Failed(rawPath, StatusCodes.Status404NotFound, "Not a download path", "No download route matches this path.");
        }

        var policy = resolved.Config.AuthorizationPolicy;
        if (policy is { Length: > 0 } && !string.Equals(policy, "anonymous", StringComparison.OrdinalIgnoreCase) && !string.Equals(policy, "default", StringComparison.OrdinalIgnoreCase)
            && !(await authorization.AuthorizeAsync(context.User, policy)).Succeeded)
        {
            return BatchItem.Failed(rawPath, StatusCodes.Status403Forbidden, "Forbidden", "The caller may not use this route.");
        }

        if (limits.Find(resolved.Route.RateLimitPolicy) is { } limit)
        {
            using var lease = limit.Acquire(CallerKey.From(context));
            if (!lease.IsAcquired)
            {
                return BatchItem.Failed(rawPath, StatusCodes.Status429TooManyRequests, "Too many requests", $"Try again in {RateLimitRegistration.RetryAfterSeconds(lease)} s.");
            }
        }

        var outcome = await signer.SignAsync(context, new DownloadRequest(resolved.Route, method, resolved.Path, resolved.Values, query, context.User));
        return outcome.Link is { } link
            ? new BatchItem(rawPath, link.Url, link.Method, link.ExpiresAt, null)
            : BatchItem.Failed(rawPath, outcome.Status, outcome.Title!, outcome.Detail);
    }
}

/// <summary>The batch: request paths as a client would send them (percent-encoded, with optional download options).</summary>
/// <param name="Paths">The paths, such as <c>/files/acme/q3.pdf?download=q3.pdf</c>.</param>
/// <param name="Method">GET (default) or HEAD.</param>
internal sealed record BatchRequest(List<string?>? Paths, string? Method);

/// <summary>One result per path, in order.</summary>
/// <param name="Results">The results.</param>
internal sealed record BatchResponse(List<BatchItem> Results);

/// <summary>A signed link for one path, or the reason there is none.</summary>
/// <param name="Path">The path as sent.</param>
/// <param name="Url">The signed URL.</param>
/// <param name="Method">The method it is signed for.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="Error">Why there is no link.</param>
internal sealed record BatchItem(string Path, string? Url, string? Method, DateTimeOffset? ExpiresAt, BatchError? Error)
{
    public static BatchItem Failed(string path, int status, string title, string? detail) => new(path, null, null, null, new BatchError(status, title, detail));
}

/// <summary>Why a path got no link.</summary>
/// <param name="Status">The HTTP status the path alone would have got.</param>
/// <param name="Title">A short title.</param>
/// <param name="Detail">What was wrong; never a secret.</param>
internal sealed record BatchError(int Status, string Title, string? Detail);

/// <summary>Source-generated JSON for the batch endpoint: camelCase, nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(BatchResponse))]
internal sealed partial class BatchJson : JsonSerializerContext;
