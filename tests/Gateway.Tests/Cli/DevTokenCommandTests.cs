using Gateway.Cli;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gateway.Tests.Cli;

[Collection(GatewayCollection.Name)]
public sealed class DevTokenCommandTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Run_SubjectAndClaims_MintsTokenTheGatewayAccepts()
    {
        using var output = new StringWriter();

        var exit = DevTokenCommand.Run(["--sub", "alice", "--claim", "tenant=acme", "--claim", "scope=storage:read"], output, TextWriter.Null);

        Assert.Equal(0, exit);
        var token = output.ToString().Trim();
        var jwt = new JsonWebToken(token);
        Assert.Equal("alice", jwt.Subject);
        Assert.Equal("acme", jwt.GetClaim("tenant").Value);
        using var client = fixture.Gateway.CreateClient(token);
        using var response = await client.GetAsync("/files/acme/cli.txt");
        Assert.Equal(System.Net.HttpStatusCode.Found, response.StatusCode);
    }

    [Fact]
    public void Run_RepeatedClaim_BecomesArray()
    {
        using var output = new StringWriter();

        DevTokenCommand.Run(["--sub", "a", "--claim", "groups=x", "--claim", "groups=y"], output, TextWriter.Null);

        Assert.Equal(["x", "y"], new JsonWebToken(output.ToString().Trim()).Claims.Where(c => c.Type == "groups").Select(c => c.Value));
    }

    [Theory]
    [InlineData]
    [InlineData("--claim", "tenant=acme")]
    [InlineData("--sub")]
    [InlineData("--sub", "a", "--lifetime", "forever")]
    [InlineData("--sub", "a", "--claim", "novalue")]
    public void Run_BadArguments_PrintsUsageAndReturns2(params string[] args)
    {
        using var error = new StringWriter();

        Assert.Equal(2, DevTokenCommand.Run(args, TextWriter.Null, error));
        Assert.Contains("usage", error.ToString(), StringComparison.Ordinal);
    }
}
