using System.Net;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Configuration;

/// <summary>
/// The committed demo keys (the HMAC key that signs development tokens, the demo stores' secrets) apply only in the
/// Development environment. Anywhere else they are absent, and configuring one of them stops start-up.
/// </summary>
public sealed class DemoKeysTests
{
    private const string Production = "Production";

    // What a deployment configures for itself instead of the demo keys.
    private static Dictionary<string, string?> OwnKeys => new()
    {
        ["Authentication:Jwt:SigningKeys:0:KeyId"] = "own",
        ["Authentication:Jwt:SigningKeys:0:Secret"] = OwnSecret,
        ["Gateway:Stores:demo-cos:Credentials:SecretKey"] = "own-cos-secret",
        ["Gateway:Stores:demo-s3:Credentials:SecretKey"] = "own-s3-secret",
    };

    private static string OwnSecret => "b3duLWtleS1vZi1hLWRlcGxveW1lbnQtMzItYnl0ZXMhIQ";

    private static Microsoft.IdentityModel.Tokens.SymmetricSecurityKey DemoKey =>
        new(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(TestTokens.DemoSecret)) { KeyId = "dev" };

    [Fact]
    public async Task Start_ProductionWithTheCommittedConfiguration_HasNoDemoKeys()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => GatewayHost.StartAsync(new Dictionary<string, string?>(), environment: Production));

        Assert.Contains("Authentication:Jwt", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Stores:demo-cos:Credentials", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Stores:demo-s3:Credentials", error.Message, StringComparison.Ordinal);
        Assert.Contains(error.Failures, failure =>
            failure.StartsWith("The environment is 'Production', so these files were not loaded:", StringComparison.Ordinal) &&
            failure.Contains("gateway.Development.json", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Authentication:Jwt:SigningKeys:0:Secret", TestTokens.DemoSecret)]
    [InlineData("Gateway:Stores:demo-cos:Credentials:SecretKey", "demo-secret-not-a-real-key")]
    [InlineData("Gateway:Stores:demo-s3:Credentials:SecretKey", "S3RVER")]
    [InlineData("Gateway:Stores:demo-s3:Credentials:SecretKey", TestTokens.DemoSecret)]
    public async Task Start_ProductionWithADemoKey_FailsNamingTheSetting(string setting, string demoValue)
    {
        var overrides = OwnKeys;
        overrides[setting] = demoValue;

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => GatewayHost.StartAsync(overrides, environment: Production));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains("Development", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(demoValue, error.Message, StringComparison.Ordinal);
        Assert.Single(error.Failures, failure => !failure.StartsWith("The environment is", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ProductionWithOwnKeys_AcceptsThemAndNotTheDemoKey()
    {
        await using var gateway = await GatewayHost.StartAsync(OwnKeys, environment: Production);
        var own = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(OwnSecret)) { KeyId = "own" };
        var claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };
        using var ownClient = gateway.CreateClient(TestTokens.Create(claims, key: own));
        using var demoClient = gateway.CreateClient(TestTokens.Create(claims, key: DemoKey));

        using var withOwnKey = await ownClient.GetAsync("/files/acme/x.txt");
        using var withDemoKey = await demoClient.GetAsync("/files/acme/x.txt");

        Assert.Equal(HttpStatusCode.Found, withOwnKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withDemoKey.StatusCode);
    }

    [Fact]
    public async Task Start_DevelopmentWithTheCommittedConfiguration_UsesTheDemoKeys()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>(), environment: "Development");
        var claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };
        using var client = gateway.CreateClient(TestTokens.Create(claims, key: DemoKey));

        using var response = await client.GetAsync("/files/acme/x.txt");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }

    [Fact]
    public void IsDemo_EverySecretOfTheCommittedDevelopmentFile_IsKnown()
    {
        var development = Path.Combine(TestConfiguration.Source, "gateway.Development.json");
        var secrets = new ConfigurationBuilder().AddJsonFile(development).Build().AsEnumerable()
            .Where(pair => pair.Key.EndsWith(":Secret", StringComparison.Ordinal) || pair.Key.EndsWith(":SecretKey", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(3, secrets.Count);
        Assert.All(secrets, pair => Assert.True(Gateway.Configuration.DemoSecrets.IsDemo(pair.Value), $"{pair.Key} is not known as a demo secret"));
        Assert.False(Gateway.Configuration.DemoSecrets.IsDemo("own-cos-secret"));
        Assert.False(Gateway.Configuration.DemoSecrets.IsDemo(OwnSecret));
    }

    [Fact]
    public void CommittedBaseFiles_HoldNoSecret()
    {
        foreach (var file in Directory.GetFiles(TestConfiguration.Source, "*.json").Where(file => Path.GetFileName(file).Count(c => c == '.') == 1))
        {
            var settings = new ConfigurationBuilder().AddJsonFile(file).Build().AsEnumerable();

            Assert.DoesNotContain(settings, pair => pair.Value is { Length: > 0 } && (pair.Key.EndsWith("Secret", StringComparison.Ordinal) || pair.Key.EndsWith("SecretKey", StringComparison.Ordinal)));
        }
    }
}
