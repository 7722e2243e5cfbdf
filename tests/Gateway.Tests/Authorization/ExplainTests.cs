using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Cli;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Authorization;

/// <summary>"Would this caller be allowed METHOD on PATH, and by which rule?" over HTTP and on the command line.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ExplainTests(GatewayFixture fixture)
{
    private static string AdminToken => TestTokens.Create(new Dictionary<string, object> { ["sub"] = "root", ["roles"] = "gateway-admin" });

    [Fact]
    public async Task Endpoint_Admin_ExplainsAllowAndTheDecidingRule()
    {
        using var client = fixture.Gateway.CreateClient(AdminToken);

        using var response = await client.PostAsJsonAsync("/admin/explain", new
        {
            method = "GET",
            path = "/files/acme/reports/q3%20final.pdf",
            claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = new[] { "globex", "acme" }, ["scope"] = "storage:read" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(answer.RootElement.GetProperty("allowed").GetBoolean());
        Assert.Equal("tenant-members-read", answer.RootElement.GetProperty("ruleId").GetString());
        Assert.Equal("tenant-files", answer.RootElement.GetProperty("routeId").GetString());
        Assert.Equal("tenants/acme/reports/q3 final.pdf", answer.RootElement.GetProperty("objectKey").GetString());
        Assert.Matches("^[0-9a-f]{12}$", answer.RootElement.GetProperty("rulesVersion").GetString());
    }

    [Theory]
    [InlineData("/files/acme/drafts/x.pdf", "no-drafts", "rule-deny")]
    [InlineData("/files/globex/x.pdf", "default-deny", "default-deny")]
    public async Task Endpoint_Admin_ExplainsDenials(string path, string ruleId, string reason)
    {
        using var client = fixture.Gateway.CreateClient(AdminToken);

        using var response = await client.PostAsJsonAsync("/admin/explain", new
        {
            method = "GET",
            path,
            claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" },
        });

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(answer.RootElement.GetProperty("allowed").GetBoolean());
        Assert.Equal(ruleId, answer.RootElement.GetProperty("ruleId").GetString());
        Assert.Equal(reason, answer.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Endpoint_NonAdmin_IsForbiddenAndAnonymousUnauthorized()
    {
        using var user = fixture.Gateway.CreateClient(TestTokens.For("alice", "acme"));
        using var anonymous = fixture.Gateway.CreateClient();
        var question = new { method = "GET", path = "/files/acme/x" };

        using var forbidden = await user.PostAsJsonAsync("/admin/explain", question);
        using var unauthorized = await anonymous.PostAsJsonAsync("/admin/explain", question);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task Endpoint_BadQuestion_Answers400()
    {
        using var client = fixture.Gateway.CreateClient(AdminToken);

        using var missing = await client.PostAsJsonAsync("/admin/explain", new { method = "GET" });
        using var badClaim = await client.PostAsJsonAsync("/admin/explain", new { method = "GET", path = "/files/acme/x", claims = new { tenant = 5 } });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badClaim.StatusCode);
    }

    [Fact]
    public void Command_SameQuestion_GivesSameAnswerAsEndpoint()
    {
        using var output = new StringWriter();

        var allowed = ExplainCommand.Run(["GET", "/files/acme/reports/q3.pdf", "--claim", "tenant=acme", "--claim", "scope=storage:read"], output, TextWriter.Null, GatewayHost.TestEnvironment);
        var denied = ExplainCommand.Run(["GET", "/files/acme/drafts/q3.pdf", "--claim", "tenant=acme", "--claim", "scope=storage:read"], output, TextWriter.Null, GatewayHost.TestEnvironment);
        var anonymous = ExplainCommand.Run(["GET", "/public/logo.png", "--anonymous"], output, TextWriter.Null, GatewayHost.TestEnvironment);

        Assert.Equal(0, allowed);
        Assert.Equal(1, denied);
        Assert.Equal(0, anonymous);
        var text = output.ToString();
        Assert.Contains("rule:          tenant-members-read", text, StringComparison.Ordinal);
        Assert.Contains("rule:          no-drafts", text, StringComparison.Ordinal);
        Assert.Contains("rule:          public-assets", text, StringComparison.Ordinal);
        Assert.Contains("object key:    tenants/acme/reports/q3.pdf", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_BadArguments_Returns2() =>
        Assert.Equal(2, ExplainCommand.Run(["GET"], TextWriter.Null, TextWriter.Null));
}
