using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Redirect;

/// <summary>
/// The signed link as JSON, for apps that want the URL rather than a redirect: asked for with
/// <c>Accept: application/json</c> or <c>?format=json</c>. Authentication, rules and audit are the same.
/// </summary>
/// <param name="Url">The signed URL.</param>
/// <param name="Method">The method it is signed for, GET or HEAD.</param>
/// <param name="ExpiresAt">When it stops working.</param>
internal sealed record DownloadLink(string Url, string Method, DateTimeOffset ExpiresAt)
{
    public const string FormatOption = "format";

    /// <summary>Whether the caller asked for JSON: a <c>format=json</c> query, or an Accept header that names JSON and not HTML.</summary>
    public static bool IsRequested(HttpRequest request)
    {
        if (request.Query.TryGetValue(FormatOption, out var format))
        {
            return string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
        }

        var accept = request.Headers.Accept.ToString();
        return accept.Contains("application/json", StringComparison.OrdinalIgnoreCase)
            && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    public static Task WriteAsync(HttpResponse response, DownloadLink link)
    {
        response.StatusCode = StatusCodes.Status200OK;
        return response.WriteAsJsonAsync(link, DownloadLinkJson.Default.DownloadLink);
    }
}

/// <summary>Source-generated JSON for <see cref="DownloadLink"/>: camelCase, no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DownloadLink))]
internal sealed partial class DownloadLinkJson : JsonSerializerContext;
