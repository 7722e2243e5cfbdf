using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Configuration;

/// <summary>Invalid configuration stops start-up, and the error names every bad setting without its value.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task Start_DefaultConfiguration_Succeeds()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>());
        Assert.NotNull(gateway.Address);
    }

    // Each case: settings that fail validation, the setting names the error must give, and values it must not repeat.
    private static readonly Dictionary<string, InvalidSettings> s_invalid = new(StringComparer.Ordinal)
    {
        ["many errors at once"] = new(
            new()
            {
                ["Gateway:Stores:demo-s3:Provider"] = "ftp",
                ["Gateway:Stores:demo-s3:Credentials:SecretKey"] = "",
                ["Gateway:Stores:demo-cos:Endpoint"] = "https://cos.example.invalid/some/path",
                ["Gateway:Stores:demo-cos:Bucket"] = "",
                ["Gateway:DefaultUrlLifetime"] = "30.00:00:00",
                ["ReverseProxy:Routes:tenant-files:Metadata:Download.Store"] = "nowhere",
                ["ReverseProxy:Routes:tenant-files-cos:Metadata:Download.Key"] = "../{path}",
            },
            Named:
            [
                "Gateway:Stores:demo-s3:Provider", "Gateway:Stores:demo-s3:Credentials", "Gateway:Stores:demo-cos:Endpoint", "Bucket",
                "DefaultUrlLifetime", "ReverseProxy:Routes:tenant-files", "ReverseProxy:Routes:tenant-files-cos",
                "names the store 'nowhere'",
            ],
            Hidden: ["ftp", "cos.example.invalid"]),
        ["a bucket name that URLs would change"] = new(
            new() { ["Gateway:Stores:demo-cos:Bucket"] = "Upper-1250000000" },
            Named: ["Gateway:Stores:demo-cos"],
            Hidden: ["Upper-1250000000"]),
        ["bad rate limits"] = new(
            new()
            {
                ["Gateway:RateLimits:DefaultPolicy"] = "missing",
                ["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = "0",
                ["Gateway:RateLimits:Policies:signing:PerClientIp:Period"] = "00:00:00.010",
                ["Gateway:RateLimits:Policies:signing:PerClientIp:Burst"] = "1",
                ["Gateway:RateLimits:Policies:empty:Unused"] = "x",
                ["ReverseProxy:Routes:tenant-files:RateLimiterPolicy"] = "nowhere",
            },
            Named:
            [
                "Gateway:RateLimits:DefaultPolicy", "Gateway:RateLimits:Policies:signing:PerSubject:Permits",
                "Gateway:RateLimits:Policies:signing:PerClientIp:Period", "Gateway:RateLimits:Policies:signing:PerClientIp:Burst",
                "Gateway:RateLimits:Policies:empty", "ReverseProxy:Routes:tenant-files",
            ],
            Hidden: ["nowhere"]),
        ["bad folder page settings"] = new(
            new()
            {
                ["Gateway:Listing:PageSize"] = "5000",
                ["Gateway:Listing:AttemptTimeout"] = "00:00:30",
                ["Gateway:Listing:TotalTimeout"] = "00:00:10",
                ["Gateway:Listing:Retries"] = "9",
                ["ReverseProxy:Routes:user-files:Metadata:Download.Listing"] = "maybe",
            },
            Named: ["Gateway:Listing.PageSize", "Gateway:Listing:TotalTimeout", "Gateway:Listing.Retries", "ReverseProxy:Routes:user-files"],
            Hidden: ["5000", "maybe"]),
        ["bad Redis settings"] = new(
            new()
            {
                ["Gateway:Redis:Configuration"] = "redis.example.invalid:6379,nonsense=1",
                ["Gateway:Redis:ExpectedInstances"] = "0",
                ["Gateway:Redis:Timeout"] = "00:01:00",
                ["Gateway:Redis:KeyPrefix"] = "a prefix{",
                ["Gateway:Redis:DataProtectionCertificatePassword"] = "hunter2-key-ring",
            },
            Named:
            [
                "Gateway:Redis:Configuration", "ExpectedInstances", "Timeout", "KeyPrefix", "Gateway:Redis:DataProtectionCertificatePassword",
            ],
            Hidden: ["redis.example.invalid", "hunter2-key-ring", "a prefix{"]),
        ["a Redis key ring with a keys folder too, and a missing certificate"] = new(
            new()
            {
                ["Gateway:Redis:Configuration"] = "127.0.0.1:1",
                ["Gateway:Redis:DataProtectionCertificate"] = "no-such-key-ring.pfx",
                ["Authentication:Oidc:Session:KeysDirectory"] = "keys-folder-of-the-test",
            },
            Named: ["Authentication:Oidc:Session:KeysDirectory", "Gateway:Redis:DataProtectionCertificate"],
            Hidden: ["no-such-key-ring.pfx", "keys-folder-of-the-test"]),
        ["bad CDN settings"] = new(
            new()
            {
                ["Gateway:Cdns:odd:Kind"] = "tencent-e",
                ["Gateway:Cdns:odd:BaseUrl"] = "https://odd.example.invalid",
                ["Gateway:Cdns:t:Kind"] = "tencent-a",
                ["Gateway:Cdns:t:BaseUrl"] = "https://cdn.example.invalid/some/path",
                ["Gateway:Cdns:t:AuthKey"] = "short!",
                ["Gateway:Cdns:t:SignParameter"] = "a-b",
                ["Gateway:Cdns:cf:Kind"] = "cloudfront",
                ["Gateway:Cdns:cf:BaseUrl"] = "https://d111111abcdef8.cloudfront.net",
                ["Gateway:Cdns:cf:KeyPairId"] = "K2JC-MDEH",
                ["Gateway:Cdns:cf:PrivateKey"] = "-----BEGIN PRIVATE KEY-----\nTm90QUtleU5vdEFLZXk=\n-----END PRIVATE KEY-----",
                ["Gateway:Cdns:cf:ClientAddressPrefix"] = "40",
                ["Gateway:Cdns:nofile:Kind"] = "cloudfront",
                ["Gateway:Cdns:nofile:BaseUrl"] = "https://d222222abcdef8.cloudfront.net",
                ["Gateway:Cdns:nofile:KeyPairId"] = "K2JCJMDEHXQW5F",
                ["Gateway:Cdns:nofile:PrivateKeyFile"] = "no-such-cloudfront-key.pem",
                ["Gateway:Stores:demo-s3:Cdn"] = "nowhere-cdn",
            },
            Named:
            [
                "Gateway:Cdns:odd:Kind", "Gateway:Cdns:t:BaseUrl", "Gateway:Cdns:t:AuthKey", "Gateway:Cdns:t:Validity",
                "Gateway:Cdns:t:SignParameter", "Gateway:Cdns:cf:KeyPairId", "Gateway:Cdns:cf:PrivateKey",
                "Gateway:Cdns:cf:ClientAddressPrefix", "Gateway:Cdns:nofile:PrivateKeyFile", "Gateway:Stores:demo-s3:Cdn",
            ],
            Hidden: ["tencent-e", "cdn.example.invalid", "short!", "K2JC-MDEH", "Tm90QUtleU5vdEFLZXk", "no-such-cloudfront-key.pem", "nowhere-cdn"]),
        ["CDN and bandwidth-cap route settings that cannot work"] = new(
            new()
            {
                ["ReverseProxy:Routes:tenant-files-cos:Metadata:Download.TrafficLimit"] = "100",
                ["ReverseProxy:Routes:tenant-files:Metadata:Download.TrafficLimit"] = "1048576",
                ["ReverseProxy:Routes:user-files:Metadata:Download.Cdn"] = "nowhere-cdn",
            },
            Named:
            [
                "ReverseProxy:Routes:tenant-files-cos", "ReverseProxy:Routes:tenant-files", "ReverseProxy:Routes:user-files",
                "Download.TrafficLimit", "Download.Cdn",
            ],
            Hidden: ["nowhere-cdn"]),
        ["JWT without keys or authority"] = new(
            new()
            {
                ["Authentication:Jwt:SigningKeys:0:Secret"] = "c2hvcnQ",
                ["Authentication:Jwt:ClockSkew"] = "00:05:00",
            },
            Named: ["Authentication:Jwt:SigningKeys:0:Secret", "ClockSkew"],
            Hidden: ["c2hvcnQ"]),
    };

    // Case names only: the test list stays readable and the settings stay a plain table above.
    public static TheoryData<string> InvalidCases => new(s_invalid.Keys);

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public async Task Start_InvalidSettings_FailsNamingEverySettingWithoutItsValue(string name)
    {
        var invalid = s_invalid[name];

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => GatewayHost.StartAsync(invalid.Settings));

        Assert.All(invalid.Named, setting => Assert.Contains(setting, error.Message, StringComparison.Ordinal));
        Assert.All(invalid.Hidden, value => Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal));

        // The console's version gives each value, except a secret's.
        var problems = string.Join(Environment.NewLine, Assert.IsType<Gateway.Configuration.GatewayConfigurationException>(error).Problems);
        Assert.All(s_secretValues, secret => Assert.DoesNotContain(secret, problems, StringComparison.Ordinal));
        Assert.All(invalid.Hidden.Except(s_secretValues).Except(s_twoSettingValues), value => Assert.Contains(value, problems, StringComparison.Ordinal));
    }

    // A bucket that URLs would change is a problem of the bucket and the region together, so the store is named, not a value.
    private static readonly string[] s_twoSettingValues = ["Upper-1250000000"];

    // The values above that are secrets, or may hold one (a Redis configuration string can carry a password).
    private static readonly string[] s_secretValues = ["hunter2-key-ring", "redis.example.invalid", "c2hvcnQ"];

    [Theory]
    [InlineData("Authentication:Jwt", "http://idp.example.com")]
    [InlineData("Authentication:Jwt", "http://10.0.0.5:4000/realms/gateway")]
    [InlineData("Authentication:Jwt", "http://127.0.0.1.nip.io:4000")]
    [InlineData("Authentication:Oidc", "http://idp.example.com")]
    [InlineData("Authentication:Oidc", "http://192.168.1.20:4000")]
    [InlineData("Authentication:Oidc", "http://localhost.example.com")]
    public async Task Start_HttpAuthorityOffLoopback_FailsNamingTheSetting(string section, string authority)
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            [$"{section}:Authority"] = authority,
            [$"{section}:RequireHttpsMetadata"] = "false",
        }));

        Assert.Contains($"{section}:Authority", error.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new Uri(authority).Host, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authentication:Jwt", "http://127.0.0.1:4000")]
    [InlineData("Authentication:Jwt", "http://localhost:4000")]
    [InlineData("Authentication:Jwt", "http://[::1]:4000")]
    [InlineData("Authentication:Oidc", "http://127.0.0.1:4000")]
    [InlineData("Authentication:Oidc", "http://localhost:4000")]
    [InlineData("Authentication:Oidc", "http://[::1]:4000")]
    public async Task Start_HttpAuthorityOnLoopback_Starts(string section, string authority)
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            [$"{section}:Authority"] = authority,
            [$"{section}:RequireHttpsMetadata"] = "false",
        });

        Assert.NotNull(gateway.Address);
    }

    [Fact]
    public async Task Start_EcPublicKeyAsOpensslWritesIt_AcceptsItsTokens()
    {
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Authentication:Jwt:SigningKeys:1:KeyId"] = "partner-ec",
            ["Authentication:Jwt:SigningKeys:1:PublicKeyPem"] = ec.ExportSubjectPublicKeyInfoPem() + "\n",
        });
        var key = new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(ec) { KeyId = "partner-ec" };
        var token = TestTokens.Create(new() { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" }, key: key, algorithm: "ES256");
        using var client = gateway.CreateClient(token);

        using var response = await client.GetAsync("/files/acme/x.txt");

        Assert.Equal(System.Net.HttpStatusCode.Found, response.StatusCode);
    }

    [Fact]
    public async Task Start_SecretKeyFile_IsReadFromMountedFile()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "S3RVER\n");
        try
        {
            await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
            {
                ["Gateway:Stores:demo-s3:Credentials:SecretKey"] = "",
                ["Gateway:Stores:demo-s3:Credentials:SecretKeyFile"] = file,
            });
            using var client = gateway.CreateClient(TestTokens.For("alice", "acme"));
            using var response = await client.GetAsync("/files/acme/x.txt");
            Assert.Equal(System.Net.HttpStatusCode.Found, response.StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed record InvalidSettings(Dictionary<string, string?> Settings, string[] Named, string[] Hidden);
}
