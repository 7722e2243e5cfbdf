using System.Text;
using Gateway.Cli;
using Gateway.Routing;
using Gateway.Signing;
using Gateway.Stores;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Gateway.Tests.Cli;

/// <summary>The <c>rewrite</c> verb on HTML, JSON, CSV and plain text: store URLs become friendly URLs, nothing else changes.</summary>
public sealed class RewriteCommandTests
{
    private const string Base = "https://gw.example.com";

    private const string Cos = "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";

    [Fact]
    public void Html_SignedCosLink_BecomesFriendlyWithItsDownloadName_AndTheRestStaysByteForByte()
    {
        var input = "<p class=\"x\">Report:\r\n<a href=\"" + Cos + "/tenants/acme/reports/q3.pdf?q-sign-algorithm=sha1&amp;q-ak=AKIDEXAMPLE&amp;q-sign-time=1700000000;1700000600"
            + "&amp;q-key-time=1700000000;1700000600&amp;q-header-list=host&amp;q-url-param-list=response-content-disposition&amp;q-signature=0123abcd"
            + "&amp;response-content-disposition=attachment%3B%20filename%3D%22Q3%20report.pdf%22\">Q3</a> and <a href=\"https://example.com/x?a=1&amp;b=2\">other</a></p>\r\n";

        var (exit, output, _) = Run(input);

        Assert.Equal(0, exit);
        Assert.Equal(
            "<p class=\"x\">Report:\r\n<a href=\"" + Base + "/cos/acme/reports/q3.pdf?download=Q3%20report.pdf\">Q3</a> and <a href=\"https://example.com/x?a=1&amp;b=2\">other</a></p>\r\n",
            output);
    }

    [Fact]
    public void Json_EscapedSlashesAndAmpersands_AreWrittenBackTheSameWay()
    {
        var input = """{"files":[{"url":"https:\/\/examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com\/tenants\/acme\/%E6%8A%A5%E5%91%8A%202024.pdf?q-ak=AKID\u0026q-signature=00\u0026response-content-type=application%2Fpdf"},""" +
            """{"url":"http://127.0.0.1:4568/demo/tenants/acme/img/logo.png"}]}""";

        var (exit, output, _) = Run(input);

        Assert.Equal(0, exit);
        Assert.Equal(
            """{"files":[{"url":"https:\/\/gw.example.com\/cos\/acme\/%E6%8A%A5%E5%91%8A%202024.pdf?type=application%2Fpdf"},{"url":"https://gw.example.com/files/acme/img/logo.png"}]}""",
            output);
    }

    [Fact]
    public void Csv_UrlsEndAtTheFieldSeparator_AndKeysThatNeedEncodingAreEncodedOnce()
    {
        var input = "id,link,size\n1,http://127.0.0.1:4568/demo/tenants/acme/a%20b+c%25d%C3%BC.txt,12\n2,\"" + Cos + "/tenants/acme/name%20(1)%2B%E2%80%AE.txt\",3\n";

        var (exit, output, _) = Run(input);

        Assert.Equal(0, exit);
        Assert.Equal(
            "id,link,size\n1," + Base + "/files/acme/a%20b%2Bc%25d%C3%BC.txt,12\n2,\"" + Base + "/cos/acme/name%20%281%29%2B%E2%80%AE.txt\",3\n",
            output);
    }

    [Fact]
    public void PlainText_SentencePunctuationStays_AndOtherBytesRoundTrip()
    {
        byte[] input = [.. "Old link: "u8, .. Encoding.ASCII.GetBytes("http://127.0.0.1:4568/demo/users/bob/notes.txt"), .. ". Bytes "u8, 0xff, 0xfe, .. " stay; (see http://127.0.0.1:4568/demo/public/a.pdf) http://example.org/a.pdf too.\n"u8];

        var result = Run(input);

        Assert.Equal(0, result.Exit);
        Assert.Equal(
            [.. "Old link: "u8, .. Encoding.ASCII.GetBytes(Base + "/users/bob/notes.txt"), .. ". Bytes "u8, 0xff, 0xfe, .. Encoding.ASCII.GetBytes(" stay; (see " + Base + "/public/a.pdf) http://example.org/a.pdf too.\n")],
            result.Bytes);
    }

    [Fact]
    public void Check_ListsEveryUnmappableStoreUrlWithoutItsQuery_AndExitsNonZero()
    {
        var input = "ok " + Cos + "/tenants/acme/a.pdf\n"
            + "no route " + Cos + "/other/x.pdf?q-signature=secret-signature\n"
            + "version http://127.0.0.1:4568/demo/tenants/acme/a.pdf?versionId=3\n"
            + "not a store https://example.com/other/x.pdf\n";

        var (exit, output, report) = Run(input, "--check");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal(
            [
                "<stdin>:2: " + Cos + "/other/x.pdf: no route reaches its key",
                "<stdin>:3: http://127.0.0.1:4568/demo/tenants/acme/a.pdf: its parameter 'versionId' has no gateway equivalent",
            ],
            report.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("secret-signature", report, StringComparison.Ordinal);
        Assert.Equal(0, Run("ok " + Cos + "/tenants/acme/a.pdf\n", "--check").Exit);
    }

    [Theory]
    [InlineData]
    [InlineData("--base")]
    [InlineData("--base", "ftp://gw.example.com")]
    [InlineData("--base", "https://gw.example.com/?q=1")]
    [InlineData("--base", Base, "--in-place")]
    public void BadArguments_PrintUsageAndReturn2(params string[] args)
    {
        using var error = new StringWriter();

        Assert.Equal(2, RewriteCommand.Run(args, new MemoryStream(), new MemoryStream(), TextWriter.Null, error, GatewayHost.TestEnvironment));
        Assert.Contains("usage", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://reports.s3.eu-west-1.amazonaws.com/archive/2024/a%20b.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=ab", "/archive/2024/a%20b.pdf")]
    [InlineData("https://s3.eu-west-1.amazonaws.com/reports/archive/x.pdf", "/archive/x.pdf")]
    [InlineData("https://reports.s3.amazonaws.com/archive/x.pdf?AWSAccessKeyId=AKIA&Expires=1&Signature=abc%3D", "/archive/x.pdf")]
    [InlineData("HTTPS://REPORTS.S3.EU-WEST-1.AMAZONAWS.COM:443/archive/x.pdf#page=2", "/archive/x.pdf#page=2")]
    [InlineData("https://cdn.example.com/archive/x.pdf?response-content-disposition=inline", "/archive/x.pdf?inline")]
    public void Rewriter_S3AddressForms_AllReachTheRoute(string url, string friendly)
    {
        var rewriter = new StoreLinkRewriter(
            [("archive", StoreProvider.S3, new StoreAddress { Bucket = "reports", Region = "eu-west-1", PublicBaseUrl = new Uri("https://cdn.example.com") })],
            [(new DownloadRoute("archive-files", "archive", ObjectKeyTemplate.TryParse("archive/{path}", out _)!, TimeSpan.FromMinutes(5)), RoutePatternFactory.Parse("/archive/{**path}"))],
            new Uri("https://gw.example.com/dl/"));
        var unmapped = new List<UnmappedLink>();

        Assert.Equal($"see https://gw.example.com/dl{friendly} now", rewriter.Rewrite($"see {url} now", unmapped));
        Assert.Empty(unmapped);
    }

    private static (int Exit, string Output, string Report) Run(string input, params string[] extra)
    {
        var result = Run(Encoding.UTF8.GetBytes(input), extra);
        return (result.Exit, Encoding.UTF8.GetString(result.Bytes), result.Report);
    }

    private static RunResult Run(byte[] input, params string[] extra)
    {
        using var output = new MemoryStream();
        using var report = new StringWriter();
        using var error = new StringWriter();
        var exit = RewriteCommand.Run(["--base", Base, .. extra], new MemoryStream(input), output, report, error, GatewayHost.TestEnvironment);
        return new RunResult(exit, output.ToArray(), report.ToString());
    }

    private sealed record RunResult(int Exit, byte[] Bytes, string Report);
}
