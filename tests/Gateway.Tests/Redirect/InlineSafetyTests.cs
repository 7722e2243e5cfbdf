using Gateway.Redirect;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Tests.Redirect;

/// <summary>
/// A signed response is shown inline only for types that are safe inline (common images, PDF, plain text, audio, video);
/// every other type is signed as an attachment, so a browser never sniffs a stored file into a page.
/// </summary>
public sealed class InlineSafetyTests
{
    private static readonly DownloadRoute Plain = new("files", "s3", ObjectKeyTemplate.TryParse("{path}", out _)!, TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData("?inline&type=application/unknown", "attachment")]
    [InlineData("?inline&type=unknown/unknown", "attachment")]
    [InlineData("?inline&type=application/octet-stream", "attachment")]
    [InlineData("?inline&type=image/x-icon-but-not-really", "attachment")]
    [InlineData("?type=application/unknown", "attachment")]
    [InlineData("?inline", "attachment")]
    [InlineData("?inline=a.txt", "attachment; filename=\"a.txt\"")]
    [InlineData("?inline&type=image/png", "inline")]
    [InlineData("?inline&type=image/jpeg", "inline")]
    [InlineData("?inline&type=application/pdf", "inline")]
    [InlineData("?inline&type=text/plain;%20charset=utf-8", "inline")]
    [InlineData("?inline&type=video/mp4", "inline")]
    [InlineData("?inline&type=audio/mpeg", "inline")]
    [InlineData("?type=image/png", null)]
    public void TryCreate_InlineOrTypeFromTheCaller_IsInlineOnlyForSafeTypes(string query, string? disposition)
    {
        var signed = Overrides(query, Plain);

        Assert.Equal(disposition, signed.GetValueOrDefault(ResponseOverrides.ContentDisposition));
    }

    [Theory]
    [InlineData("inline", null, "attachment")]
    [InlineData("inline", "text/html", "attachment")]
    [InlineData("inline", "application/pdf", "inline")]
    public void TryCreate_RouteDefaultInline_IsInlineOnlyForASafeDefaultType(string routeDisposition, string? routeType, string disposition)
    {
        var route = Plain with { Disposition = routeDisposition, ContentType = routeType };

        Assert.Equal(disposition, Overrides("", route).GetValueOrDefault(ResponseOverrides.ContentDisposition));
    }

    [Fact]
    public void TryCreate_InlineOnAnAttachmentRoute_IsRefusedUnlessTheRouteAllowsIt()
    {
        var attachmentOnly = Plain with { Disposition = "attachment" };
        var allowsInline = attachmentOnly with { AllowInline = true };

        Assert.Null(ResponseOverrides.TryCreate(Query("?inline&type=image/png"), attachmentOnly, out var error));
        Assert.Contains("inline", error, StringComparison.Ordinal);
        Assert.Equal("inline", Overrides("?inline&type=image/png", allowsInline).GetValueOrDefault(ResponseOverrides.ContentDisposition));
    }

    private static Dictionary<string, string> Overrides(string query, DownloadRoute route) =>
        (ResponseOverrides.TryCreate(Query(query), route, out var error) ?? throw new InvalidOperationException(error)).ToDictionary();

    private static QueryCollection Query(string query) => new(QueryHelpers.ParseQuery(query));
}
