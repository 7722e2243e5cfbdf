using Gateway.Cli;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gateway.Tests.Cli;

[Collection(GatewayCollection.Name)]
public sealed class DevTokenCommandTests(GatewayFixture fixture)
{
    // The key the verb signs with comes from the environment's own file; the fixture's gateway runs in the same one.
    private const string Development = GatewayHost.TestEnvironment;

    [Fact]
    public async Task Run_SubjectAndClaims_MintsTokenTheGatewayAccepts()
    {
        using var output = new StringWriter();

        var exit = DevTokenCommand.Run(["--sub", "alice", "--claim", "tenant=acme", "--claim", "scope=storage:read"], output, TextWriter.Null, Development);

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

        DevTokenCommand.Run(["--sub", "a", "--claim", "groups=x", "--claim", "groups=y"], output, TextWriter.Null, Development);

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

        Assert.Equal(2, DevTokenCommand.Run(args, TextWriter.Null, error, Development));
        Assert.Contains("usage", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestTokens.DemoSecret, "--environment", "Development")]
    [InlineData(TestTokens.DemoSecret, "--environment=Development")]
    [InlineData(TestTokens.DemoSecret, "--environment", "Production", "--environment", "Development")]
    [InlineData(TestTokens.DevSecret, "--environment", GatewayHost.TestEnvironment)]
    public async Task TryRun_EnvironmentBeforeTheVerb_SignsWithThatEnvironmentsKey(string secret, params string[] environment)
    {
        using var output = new StringWriter();

        var exit = CommandLine.TryRun([.. environment, "token", "--sub", "alice"], output, TextWriter.Null);

        Assert.Equal(0, exit);
        var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(secret));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(output.ToString().Trim(), new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidIssuer = TestTokens.Issuer,
            ValidAudience = TestTokens.Audience,
        });
        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Run_OutsideDevelopment_HasNoDemoKeyAndSaysWhy(string environment)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = CommandLine.TryRun(["--environment", environment, "token", "--sub", "alice"], output, error);

        Assert.Equal(2, exit);
        Assert.Empty(output.ToString());
        Assert.Contains($"this is '{environment}'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Development", error.ToString(), StringComparison.Ordinal);
    }
}
