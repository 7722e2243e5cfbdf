using System.Globalization;
using Gateway.Cli;
using Gateway.Hosting;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Cli;

/// <summary>The command line: help, the version, each verb's help, refusals that list the verbs, and the server's own arguments.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CommandLineTests(GatewayFixture fixture)
{
    private static (int? Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CommandLine.TryRun(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("--environment", "Development", "--help")]
    public void TryRun_Help_ListsEveryVerbWithItsSummaryAndExits0(params string[] args)
    {
        var (exit, output, error) = Run(args);

        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.StartsWith($"Object-storage download gateway {GatewayVersion.Current}", output, StringComparison.Ordinal);
        Assert.All(CommandLine.Commands, command => Assert.Contains($"  {command.Verb}", output, StringComparison.Ordinal));
        Assert.All(CommandLine.Commands, command => Assert.Contains(command.Summary, output, StringComparison.Ordinal));
        Assert.Contains("--urls", output, StringComparison.Ordinal);
        Assert.Contains("--version", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRun_Version_PrintsTheProjectVersionAndExits0()
    {
        var (exit, output, _) = Run("--version");

        Assert.Equal(0, exit);
        Assert.Equal(GatewayVersion.Current, output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", output.Trim());
    }

    public static TheoryData<string> Verbs => new(CommandLine.Commands.Select(command => command.Verb));

    [Theory]
    [MemberData(nameof(Verbs))]
    public void TryRun_VerbHelp_DescribesTheVerbWithAnExampleAndExits0(string verb)
    {
        foreach (var args in new[] { new[] { verb, "--help" }, [verb, "-h"], ["help", verb], ["--environment", "Production", verb, "--help"] })
        {
            var (exit, output, error) = Run(args);

            Assert.Equal(0, exit);
            Assert.Empty(error);
            Assert.StartsWith($"{verb}: ", output, StringComparison.Ordinal);
            Assert.Contains($"usage: Gateway [--environment NAME] {verb}", output, StringComparison.Ordinal);
            Assert.Contains($"example:{Environment.NewLine}  Gateway ", output, StringComparison.Ordinal);
            Assert.Contains("Exit code", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryRun_PolicyHelp_IsHelpNotAStoreName()
    {
        var (exit, output, error) = Run("policy", "--help");

        Assert.Equal(0, exit);
        Assert.DoesNotContain("store named", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'frob' is not a verb.", "frob")]
    [InlineData("'serve' is not a verb.", "serve", "--urls", "http://127.0.0.1:8080")]
    [InlineData("'frob' is not a verb.", "help", "frob")]
    [InlineData("'--verison' is not an option.", "--verison")]
    [InlineData("'--port' is not an option.", "--urls", "http://127.0.0.1:8080", "--port", "8080")]
    [InlineData("'-p' is not an option.", "-p", "8080")]
    [InlineData("'--urls' needs a value.", "--urls")]
    [InlineData("'extra' is not an option.", "--urls", "http://127.0.0.1:8080", "extra")]
    public void TryRun_UnknownVerbOrOption_Exits2ListingTheVerbs(string problem, params string[] args)
    {
        var (exit, output, error) = Run(args);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith(problem, error, StringComparison.Ordinal);
        Assert.Contains("The verbs are: token, explain, policy, healthcheck, rewrite.", error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--urls", "http://127.0.0.1:8080")]
    [InlineData("--urls=http://127.0.0.1:8080", "--environment", "Development")]
    [InlineData("--environment", "Test", "--URLS", "http://127.0.0.1:8080")]
    [InlineData("--Gateway:DefaultUrlLifetime=00:10:00", "--Kestrel:Limits:MaxRequestLineSize", "4096")]
    [InlineData("Gateway:DefaultUrlLifetime=00:10:00")]
    [InlineData("--contentRoot", "/srv/gateway", "--shutdownTimeoutSeconds=20")]
    public void TryRun_ServerArguments_StartTheServer(params string[] args)
    {
        var (exit, output, error) = Run(args);

        Assert.Null(exit);
        Assert.Empty(output + error);
    }

    [Fact]
    public void TryRun_VerbWithBadArguments_PrintsUsageAndPointsAtItsHelp()
    {
        var (exit, _, error) = Run("explain", "GET");

        Assert.Equal(2, exit);
        Assert.Contains("usage: Gateway [--environment NAME] explain METHOD PATH", error, StringComparison.Ordinal);
        Assert.Contains("Run 'Gateway explain --help'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRun_PolicyForAnUnknownStore_NamesItAndTheStores()
    {
        var (exit, _, error) = Run("--environment", GatewayHost.TestEnvironment, "policy", "no-such-store");

        Assert.Equal(2, exit);
        Assert.Contains("There is no store named 'no-such-store'. The stores are: demo-cos, demo-s3.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Healthcheck_RunningGateway_Exits0()
    {
        var (exit, output, error) = Run("healthcheck", "--url", fixture.Gateway.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Equal($"healthy: {new Uri(fixture.Gateway.Address, "/health/live")} answered 200.", output.Trim());
    }

    [Fact]
    public void Healthcheck_WildcardHostOfTheConfiguredAddress_AsksLoopback()
    {
        var port = fixture.Gateway.Address.Port.ToString(CultureInfo.InvariantCulture);

        var (exit, output, _) = Run("healthcheck", "--url", $"http://+:{port}");

        Assert.Equal(0, exit);
        Assert.Contains($"http://127.0.0.1:{port}/health/live", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Healthcheck_NothingListening_Exits1()
    {
        var port = Gateway.TestSupport.LoopbackPort.Free();

        var (exit, output, error) = Run("healthcheck", "--url", $"http://127.0.0.1:{port}", "--timeout", "2");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith($"unhealthy: http://127.0.0.1:{port}/health/live did not answer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Healthcheck_NotLive_Exits1()
    {
        // A server that answers, but not 200: the gateway while it stops, or something else on its port.
        using var server = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/health/live").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503));

        var (exit, output, error) = Run("healthcheck", "--url", server.Url!);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Equal($"unhealthy: {server.Url}/health/live answered 503.", error.Trim());
    }

    [Theory]
    [InlineData("--timeout", "soon")]
    [InlineData("--url")]
    [InlineData("--url", "ftp://127.0.0.1/")]
    [InlineData("--verbose")]
    public void Healthcheck_BadArguments_Exits2(params string[] args)
    {
        var (exit, _, error) = Run(["healthcheck", .. args]);

        Assert.Equal(2, exit);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Dockerfile_Healthcheck_RunsTheHealthcheckVerb()
    {
        var line = Assert.Single(File.ReadAllLines(Path.Combine(Gateway.TestSupport.Repository.Root, "Dockerfile")), l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));

        Assert.Contains("CMD [\"dotnet\", \"Gateway.dll\", \"healthcheck\"", line, StringComparison.Ordinal);
        Assert.DoesNotContain("curl", line, StringComparison.Ordinal);
    }
}
