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

    [Fact]
    public async Task Start_ManyErrors_ReportsEveryOneByName()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Stores:demo-s3:Provider"] = "ftp",
            ["Gateway:Stores:demo-s3:Credentials:SecretKey"] = "",
            ["Gateway:Stores:demo-cos:Endpoint"] = "https://cos.example.invalid/some/path",
            ["Gateway:Stores:demo-cos:Bucket"] = "",
            ["Gateway:DefaultUrlLifetime"] = "30.00:00:00",
            ["ReverseProxy:Routes:tenant-files:Metadata:Download.Store"] = "nowhere",
            ["ReverseProxy:Routes:tenant-files-cos:Metadata:Download.Key"] = "../{path}",
        }));

        var message = error.Message;
        Assert.Contains("Gateway:Stores:demo-s3:Provider", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Stores:demo-s3:Credentials", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Stores:demo-cos:Endpoint", message, StringComparison.Ordinal);
        Assert.Contains("Bucket", message, StringComparison.Ordinal);
        Assert.Contains("DefaultUrlLifetime", message, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Routes:tenant-files", message, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Routes:tenant-files-cos", message, StringComparison.Ordinal);
        Assert.DoesNotContain("ftp", message, StringComparison.Ordinal);
        Assert.DoesNotContain("cos.example.invalid", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BucketThatUrlsWouldChange_FailsNamingTheStore()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Stores:demo-cos:Bucket"] = "Upper-1250000000",
        }));

        Assert.Contains("Gateway:Stores:demo-cos", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Upper-1250000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadRateLimits_ReportsEveryOneByName()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:RateLimits:DefaultPolicy"] = "missing",
            ["Gateway:RateLimits:Policies:signing:PerSubject:Permits"] = "0",
            ["Gateway:RateLimits:Policies:signing:PerClientIp:Period"] = "00:00:00.010",
            ["Gateway:RateLimits:Policies:signing:PerClientIp:Burst"] = "1",
            ["Gateway:RateLimits:Policies:empty:Unused"] = "x",
            ["ReverseProxy:Routes:tenant-files:RateLimiterPolicy"] = "nowhere",
        }));

        var message = error.Message;
        Assert.Contains("Gateway:RateLimits:DefaultPolicy", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:RateLimits:Policies:signing:PerSubject:Permits", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:RateLimits:Policies:signing:PerClientIp:Period", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:RateLimits:Policies:signing:PerClientIp:Burst", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:RateLimits:Policies:empty", message, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Routes:tenant-files", message, StringComparison.Ordinal);
        Assert.DoesNotContain("nowhere", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_JwtWithoutKeysOrAuthority_FailsNamingTheSection()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Authentication:Jwt:SigningKeys:0:Secret"] = "c2hvcnQ",
            ["Authentication:Jwt:ClockSkew"] = "00:05:00",
        }));

        Assert.Contains("Authentication:Jwt:SigningKeys:0:Secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClockSkew", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authentication:Jwt", "http://idp.example.com")]
    [InlineData("Authentication:Jwt", "http://10.0.0.5:4000/realms/gateway")]
    [InlineData("Authentication:Jwt", "http://127.0.0.1.nip.io:4000")]
    [InlineData("Authentication:Oidc", "http://idp.example.com")]
    [InlineData("Authentication:Oidc", "http://192.168.1.20:4000")]
    [InlineData("Authentication:Oidc", "http://localhost.example.com")]
    public async Task Start_HttpAuthorityOffLoopback_FailsNamingTheSetting(string section, string authority)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayHost.StartAsync(new Dictionary<string, string?>
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
}
