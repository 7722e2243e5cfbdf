using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Audit;

/// <summary>
/// A caller's <c>traceparent</c> is not trusted by default, so it cannot file audit records under another trace or
/// force sampling; a deployment whose callers are all trusted can turn continuing the trace on.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TraceContextTests(GatewayFixture fixture)
{
    private const string CallerTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string CallerParentId = "b7ad6b7169203331";

    [Fact]
    public async Task CallersTraceParent_IsIgnoredByDefault()
    {
        var (span, problemTraceId) = await SendWithTraceParentAsync(fixture.Gateway, "untrusted");

        Assert.NotEqual(CallerTraceId, span.TraceId.ToHexString());
        Assert.NotEqual(CallerParentId, span.ParentSpanId.ToHexString());
        Assert.NotEqual(CallerTraceId, problemTraceId);
    }

    [Fact]
    public async Task CallersTraceParent_IsContinuedWhenTrusted()
    {
        var overrides = GatewayFixture.Overrides(fixture.S3rver.Endpoint, new Uri(fixture.Backend.Url!));
        overrides["Gateway:Audit:TrustIncomingTraceContext"] = "true";
        await using var gateway = await GatewayHost.StartAsync(overrides);

        var (span, problemTraceId) = await SendWithTraceParentAsync(gateway, "trusted");

        Assert.Equal(CallerTraceId, span.TraceId.ToHexString());
        Assert.Equal(CallerTraceId, problemTraceId);
    }

    private static async Task<(Activity Span, string? ProblemTraceId)> SendWithTraceParentAsync(GatewayHost gateway, string name)
    {
        using var audit = new AuditSpanRecorder();
        using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));
        var path = $"/files/acme/trace/{name}-{Guid.NewGuid():N}.txt";

        using var download = new HttpRequestMessage(HttpMethod.Get, path);
        download.Headers.Add("traceparent", $"00-{CallerTraceId}-{CallerParentId}-01");
        using var redirected = await client.SendAsync(download);
        using var refusal = new HttpRequestMessage(HttpMethod.Get, "/files/acme/trace/bad%5Cname");
        refusal.Headers.Add("traceparent", $"00-{CallerTraceId}-{CallerParentId}-01");
        using var refused = await client.SendAsync(refusal);

        Assert.Equal(HttpStatusCode.Found, redirected.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        var traceId = problem.RootElement.TryGetProperty("traceId", out var value) ? value.GetString() : null;
        var span = audit.For(path);
        return (span, traceId?.Split('-') is [_, var id, _, _] ? id : traceId);
    }
}
