using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Configuration;

/// <summary>
/// What a person sees when the published gateway cannot start: one block on standard error and exit code 1, every bad
/// setting with its path and value (a secret's redacted), JSON errors by 1-based line and column, an address in use
/// with how to pick another, and never a stack trace. User secrets apply in Development only.
/// </summary>
public sealed class StartupFailureTests
{
    private static readonly string[] s_test = ["--environment", GatewayHost.TestEnvironment];

    private static void AssertNoStackTrace(string text)
    {
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadSettings_OneBlockWithEveryPathAndValueSecretsRedactedExit1()
    {
        var (exit, output, error) = await GatewayProcess.RunToExitAsync([.. s_test, "--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["Gateway:Stores:demo-s3:Provider"] = "ftp",
            ["Gateway:DefaultUrlLifetime"] = "30.00:00:00",
            ["ReverseProxy:Routes:tenant-files:Metadata:Download.Store"] = "nowhere",
            ["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = "0",
            ["Authentication:Jwt:SigningKeys:0:Secret"] = "c2hvcnQ",
            ["Authentication:Jwt:ClockSkew"] = "00:05:00",
            ["Gateway:Redis:Configuration"] = "redis.example.invalid:6379,password=hunter2-redis,nonsense=1",
            ["Gateway:Redis:Timeout"] = "00:01:00",
        });

        Assert.Equal(1, exit);
        AssertNoStackTrace(output + error);
        var lines = error.TrimEnd().Split(Environment.NewLine);
        Assert.Equal("The gateway cannot start: 8 configuration problems.", lines[0]);
        Assert.Equal("The environment is 'Test', so these files were not loaded: gateway.Development.json.", lines[^1]);
        Assert.Equal(
            new[]
            {
                "  Authentication:Jwt:ClockSkew = \"00:05:00\": must be between 00:00:00 and 00:00:30",
                "  Authentication:Jwt:SigningKeys:0:Secret (redacted): must be base64url of at least 32 bytes",
                "  Gateway:DefaultUrlLifetime = \"30.00:00:00\": must be between 00:00:01 and 7.00:00:00",
                "  Gateway:RateLimits:Policies:signing:PerSubject:Permits = \"0\": must be at least 1",
                "  Gateway:Redis:Configuration (redacted): is not a valid StackExchange.Redis configuration string",
                "  Gateway:Redis:Timeout = \"00:01:00\": must be between 00:00:00.0100000 and 00:00:05",
                "  Gateway:Stores:demo-s3:Provider = \"ftp\": must be one of: cos, s3",
                "  ReverseProxy:Routes:tenant-files:Metadata:Download.Store = \"nowhere\": names the store 'nowhere', which is not configured under Gateway:Stores (the stores are demo-cos, demo-s3).",
            },
            lines[1..^1].Order(StringComparer.Ordinal));
        Assert.DoesNotContain("c2hvcnQ", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-redis", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("redis.example.invalid", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ValueThatIsNotItsType_NamesPathValueAndTypeExit1()
    {
        var (exit, output, error) = await GatewayProcess.RunToExitAsync([.. s_test], new Dictionary<string, string?> { ["Gateway:DefaultUrlLifetime"] = "forever" });

        Assert.Equal(1, exit);
        AssertNoStackTrace(output + error);
        Assert.Equal(
            $"The gateway cannot start: 1 configuration problem.{Environment.NewLine}  Gateway:DefaultUrlLifetime = \"forever\": cannot be read as System.TimeSpan{Environment.NewLine}" +
            $"The environment is 'Test', so these files were not loaded: gateway.Development.json.{Environment.NewLine}",
            error);
    }

    [Fact]
    public async Task Start_BrokenJsonFile_NamesFileAndOneBasedLineAndColumnAsReloadDoes()
    {
        var directory = TestConfiguration.CopyToTemporaryDirectory();
        try
        {
            // Line 3, column 3 (1-based): where "oops" starts. The text holds a would-be secret that must not be echoed.
            await File.WriteAllTextAsync(Path.Combine(directory, "zz-broken.json"), "{\n  \"Secret\": \"do-not-echo\",\n  oops\n}\n");

            var (exit, output, error) = await GatewayProcess.RunToExitAsync([.. s_test], configDirectory: directory);

            Assert.Equal(1, exit);
            AssertNoStackTrace(output + error);
            Assert.Equal(
                $"The gateway cannot start: 1 configuration problem.{Environment.NewLine}  {Path.Combine(directory, "zz-broken.json")} is not valid JSON at line 3, column 3.{Environment.NewLine}",
                error);
            Assert.DoesNotContain("do-not-echo", output + error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Start_NoConfigurationFolder_SaysHowToNameOneExit1()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-gateway-config-" + Guid.NewGuid().ToString("N"));

        var (exit, output, error) = await GatewayProcess.RunToExitAsync([.. s_test], configDirectory: missing);

        Assert.Equal(1, exit);
        AssertNoStackTrace(output + error);
        Assert.Contains("The configuration folder was not found. Set GATEWAY_CONFIG_DIR", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AddressInUse_SaysWhichAndHowToPickAnotherExit1()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var address = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

        var (exit, output, error) = await GatewayProcess.RunToExitAsync([.. s_test, "--urls", address]);

        Assert.Equal(1, exit);
        AssertNoStackTrace(output + error);

        // Said first: nothing is logged before it.
        Assert.Empty(output);
        Assert.Equal(
            $"The gateway cannot start: {address} is already in use by another process.{Environment.NewLine}" +
            $"Stop that process, or listen on another address with --urls, for example: --urls http://127.0.0.1:{(port + 1).ToString(CultureInfo.InvariantCulture)}{Environment.NewLine}",
            error);
    }

    [Fact]
    public async Task Start_ProductionWithoutKeys_SaysWhichFilesWereLeftOutAndHowToAddASecret()
    {
        var (exit, output, error) = await GatewayProcess.RunToExitAsync(["--environment", "Production"]);

        Assert.Equal(1, exit);
        AssertNoStackTrace(output + error);
        Assert.Contains(
            "  Gateway:Stores:demo-s3:Credentials: needs exactly one of SecretKey (from an environment variable, or from user secrets in Development) and SecretKeyFile",
            error,
            StringComparison.Ordinal);
        Assert.Contains("The environment is 'Production', so these files were not loaded: gateway.Development.json, gateway.Test.json.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserSecrets_InDevelopmentOnly_OverrideTheFiles()
    {
        var home = Directory.CreateTempSubdirectory("gateway-home-").FullName;
        try
        {
            // Where `dotnet user-secrets set` writes for the project's UserSecretsId.
            var secrets = Path.Combine(home, ".microsoft", "usersecrets", "object-storage-gateway");
            Directory.CreateDirectory(secrets);
            var userKey = Base64UrlEncoder.Encode(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
            await File.WriteAllTextAsync(Path.Combine(secrets, "secrets.json"), $$"""
                { "Authentication:Jwt:SigningKeys:0:Secret": "{{userKey}}", "Gateway:DefaultUrlLifetime": "30.00:00:00" }
                """);

            // The server in Development reads them (and reports the bad lifetime they set) ...
            var development = await GatewayProcess.RunToExitAsync(["--environment", "Development"], home: home);
            Assert.Equal(1, development.ExitCode);
            Assert.Contains("Gateway:DefaultUrlLifetime = \"30.00:00:00\"", development.Error, StringComparison.Ordinal);

            // ... and so does the token verb, which signs with the user secret's key instead of the demo key.
            var token = await GatewayProcess.RunToExitAsync(["--environment", "Development", "token", "--sub", "alice"], home: home);
            Assert.Equal(0, token.ExitCode);
            var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token.Output.Trim(), new TokenValidationParameters
            {
                IssuerSigningKey = new SymmetricSecurityKey(Base64UrlEncoder.DecodeBytes(userKey)),
                ValidIssuer = "https://gateway.dev.invalid",
                ValidateAudience = false,
            });
            Assert.True(validation.IsValid, validation.Exception?.Message);

            // Outside Development they are not read.
            var production = await GatewayProcess.RunToExitAsync(["--environment", "Production"], home: home);
            Assert.Equal(1, production.ExitCode);
            Assert.DoesNotContain("DefaultUrlLifetime", production.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Start_Good_FirstLineSaysVersionEnvironmentAndConfigurationFolder()
    {
        await using var gateway = await GatewayProcess.StartAsync(new Dictionary<string, string?>());

        var lines = gateway.Output.Split(Environment.NewLine);
        Assert.Equal("info: Gateway[1000]", lines[0]);
        Assert.Equal(
            $"      Object-storage download gateway {Gateway.Hosting.GatewayVersion.Current} is starting in the {GatewayHost.TestEnvironment} environment, " +
            $"with the configuration in {Path.Combine(AppContext.BaseDirectory, "config")}.",
            lines[1]);
        Assert.Contains($"Now listening on: {gateway.Address.GetLeftPart(UriPartial.Authority)}", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_GoodConfiguration_CliHelpAndVersionExit0WithoutStartingTheServer()
    {
        var help = await GatewayProcess.RunToExitAsync(["--help"]);
        var version = await GatewayProcess.RunToExitAsync(["--version"]);
        var unknown = await GatewayProcess.RunToExitAsync(["serve"]);

        Assert.Equal((0, ""), (help.ExitCode, help.Error));
        Assert.StartsWith("Object-storage download gateway ", help.Output, StringComparison.Ordinal);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("'serve' is not a verb.", unknown.Error, StringComparison.Ordinal);
    }
}
