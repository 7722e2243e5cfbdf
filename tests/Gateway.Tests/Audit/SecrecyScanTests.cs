using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Audit;

/// <summary>
/// Everything the shared gateway exports over OTLP (traces, logs, metrics) during the suite is scanned for secrets.
/// This test adds traffic of every kind first; the fixture scans again when the suite ends.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SecrecyScanTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Exported_AfterTrafficOfEveryKind_HoldsNoSecretSignatureOrToken()
    {
        var token = TestTokens.For("scan-alice", "acme");
        using var client = fixture.Gateway.CreateClient(token);
        using var cookieClient = fixture.Gateway.CreateClient(token);
        cookieClient.DefaultRequestHeaders.Add("Cookie", "gateway.session=CfDJ8-cookie-value-that-must-not-leak");
        var signatures = new List<string>();
        foreach (var path in new[] { "/files/acme/scan/a.txt", "/cos/acme/scan/b.txt", "/public/scan.png", "/users/scan-alice/c.txt" })
        {
            using var allowed = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
            signatures.Add(allowed.Headers.Location!.Query);
        }

        await client.GetAsync("/files/globex/scan/denied.txt");
        await client.GetAsync("/files/acme/scan/a%5Cb");
        await cookieClient.GetAsync("/files/acme/scan/cookie.txt");
        await fixture.Gateway.CreateClient("eyJhbGciOiJub25lIn0.e30.").GetAsync("/files/acme/scan/bad-token.txt");
        await fixture.Gateway.CreateClient().PostAsync("/files/acme/scan/post.txt", null);
        await client.GetAsync("/api/public/scan?token=" + Uri.EscapeDataString(token));

        var exported = await WaitForExportAsync("scan-alice");

        var signatureValues = signatures.Select(query => Regex.Match(query, "(?:X-Amz-Signature|q-signature)=([0-9a-f]+)").Groups[1].Value).ToList();
        Assert.All(signatureValues, value => Assert.True(value.Length >= 40));
        SecretScan.AssertClean(exported, [.. signatureValues, "CfDJ8-cookie-value"]);
        Assert.Contains("gateway.download", exported, StringComparison.Ordinal);
    }

    private async Task<string> WaitForExportAsync(string marker)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var exported = SecretScan.Exported(fixture.Collector);
            var logsArrived = fixture.Collector.LogEntries.Any(entry => entry.RequestMessage.Path == "/v1/logs");
            if (exported.Contains(marker, StringComparison.Ordinal) && logsArrived)
            {
                return exported;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The audit records never reached the collector.");
        return "";
    }
}
