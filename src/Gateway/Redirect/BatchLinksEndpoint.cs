using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Diagnostics;
using Gateway.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Gateway.Redirect;

/// <summary>
/// <c>POST /links</c>: signs many downloads in one request. Each path runs through the gateway's own pipeline as an
/// in-process request for the link as JSON, with the caller's identity, host and address: the same routing
/// (constraints and precedence), method check, route policy, signing limit, rules, signing and audit as a direct request.
/// </summary>
internal static partial class BatchLinksEndpoint
{
    public const string Path = "/links";

    /// <summary>The most paths one request may carry.</summary>
    public const int MaxItems = 100;

    // The caller's credentials travel as its authenticated identity, and the forwarded headers were applied already;
    // the body's headers describe the batch, not an item.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Authorization, HeaderNames.Cookie, HeaderNames.Accept, HeaderNames.Host, HeaderNames.ContentType,
        HeaderNames.ContentLength, HeaderNames.ContentEncoding, HeaderNames.TransferEncoding, HeaderNames.Expect,
        HeaderNames.Connection, HeaderNames.Upgrade, "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
        "X-Forwarded-Prefix", "Forwarded",
    };

    /// <summary>Maps the endpoint. The request itself is not limited: each link counts against its own route's policy instead.</summary>
    public static void MapBatchLinks(this WebApplication app) => app.MapPost(Path, HandleAsync).DisableRateLimiting();

    private static async Task<IResult> HandleAsync(BatchRequest body, HttpContext context, InProcessRequests requests, ILoggerFactory loggers)
    {
        var method = body.Method is null ? HttpMethods.Get : HttpMethods.GetCanonicalizedValue(body.Method.ToUpperInvariant());
        if (body.Paths is not { Count: > 0 } paths || paths.Count > MaxItems || !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid batch",
                detail: $"Send 'paths' with 1 to {MaxItems} request paths, and 'method' GET or HEAD (default GET).");
        }

        var request = context.Request;
        var headers = request.Headers.Where(header => !NotForwarded.Contains(header.Key))
            .Append(new(HeaderNames.Accept, "application/json"))
            .ToArray();
        var origin = new RequestOrigin(request.Scheme, request.Host, context.Connection.RemoteIpAddress, context.User, headers, context.RequestAborted);
        var logger = loggers.CreateLogger(typeof(BatchLinksEndpoint));
        var results = new List<BatchItem>(paths.Count);
        foreach (var path in paths)
        {
            results.Add(await SignOneAsync(path ?? "", method, origin, requests, logger));
        }

        return TypedResults.Json(new BatchResponse(results), BatchJson.Default.BatchResponse);
    }

    private static async Task<BatchItem> SignOneAsync(string path, string method, RequestOrigin origin, InProcessRequests requests, ILogger logger)
    {
        if (InProcessRequests.Create(method, path, origin) is not { } item)
        {
            return BatchItem.Failed(path, StatusCodes.Status404NotFound, "Not a download path", "No download route matches this path.");
        }

        try
        {
            await requests.RunBatchItemAsync(item);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !origin.Aborted.IsCancellationRequested)
        {
            // One failing item must not fail the batch; it is audited as unfinished by the audit step.
            Log.ItemFailed(logger, ex);
            return BatchItem.Failed(path, StatusCodes.Status500InternalServerError, "Something went wrong", "The gateway could not complete this item.");
        }

        var status = item.Response.StatusCode;
        var body = (MemoryStream)item.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()!.Stream;
        if (status == StatusCodes.Status200OK && Read(body, DownloadLinkJson.Default.DownloadLink) is { } link)
        {
            return new BatchItem(path, link.Url, link.Method, link.ExpiresAt, null);
        }

        var problem = Read(body, BatchJson.Default.BatchError);
        return status == StatusCodes.Status200OK
            ? BatchItem.Failed(path, StatusCodes.Status500InternalServerError, "Something went wrong", "The gateway could not complete this item.")
            : BatchItem.Failed(path, status, problem?.Title ?? ReasonPhrases.GetReasonPhrase(status), problem?.Detail);
    }

    /// <summary>The item's JSON answer, or null when it wrote none of that shape.</summary>
    private static T? Read<T>(MemoryStream body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body.GetBuffer().AsSpan(0, (int)body.Length), type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Unhandled, Level = LogLevel.Error, Message = "A batch item failed.")]
        public static partial void ItemFailed(ILogger logger, Exception exception);
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
[JsonSerializable(typeof(BatchError))]
internal sealed partial class BatchJson : JsonSerializerContext;
