using System.Net;
using System.Text;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Diagnostics;

/// <summary>
/// Bad input gets a 4xx in every environment. In Development (how `dotnet run` runs the demo) ASP.NET Core throws on a
/// body it cannot bind instead of answering 400 itself; the exception handler turns that into the 400 it stands for.
/// </summary>
public sealed class GatewayExceptionHandlerTests
{
    [Theory]
    [InlineData("{\"paths\":[")]
    [InlineData("{\"paths\":\"/files/acme/x\"}")]
    public async Task Post_UnbindableBodyInDevelopment_Answers400(string body)
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>(), environment: "Development");
        var demoKey = new SymmetricSecurityKey(Base64UrlEncoder.DecodeBytes(TestTokens.DemoSecret)) { KeyId = "dev" };
        using var client = gateway.CreateClient(TestTokens.Create(new() { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" }, key: demoKey));

        using var response = await client.PostAsync("/links", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
