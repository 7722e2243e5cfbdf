using Gateway.Stores;
using Microsoft.Extensions.Hosting.Internal;

namespace Gateway.Tests.Stores;

/// <summary>The store provider and the credential source bind by their documented names; anything else is reported, not thrown.</summary>
public sealed class StoresOptionsTests
{
    [Theory]
    [InlineData("cos", "tencent-sts", nameof(StoreProvider.Cos), nameof(CredentialSource.TencentSts))]
    [InlineData("s3", "static", nameof(StoreProvider.S3), nameof(CredentialSource.Static))]
    [InlineData("s3", "environment", nameof(StoreProvider.S3), nameof(CredentialSource.Environment))]
    [InlineData("s3", "aws-sts", nameof(StoreProvider.S3), nameof(CredentialSource.AwsSts))]
    [InlineData("s3", "aws-web-identity", nameof(StoreProvider.S3), nameof(CredentialSource.AwsWebIdentity))]
    public void Bind_DocumentedNames_AreTheirMembers(string provider, string source, string expectedProvider, string expectedSource)
    {
        var store = Bind(new() { ["Gateway:Stores:a:Provider"] = provider, ["Gateway:Stores:a:Credentials:Source"] = source }).Stores["a"];

        Assert.Equal(expectedProvider, store.Provider.ToString());
        Assert.Equal(expectedSource, store.Credentials!.Source.ToString());
    }

    [Fact]
    public void Bind_NoSource_IsStatic() =>
        Assert.Equal(CredentialSource.Static, Bind(new() { ["Gateway:Stores:a:Credentials:AccessKeyId"] = "AKID" }).Stores["a"].Credentials!.Source);

    [Theory]
    [InlineData("ftp", "Static")]
    [InlineData("COS", "tencent_sts")]
    [InlineData("1", "0")]
    [InlineData("Cos, S3", "aws sts")]
    public void Validate_UnknownNames_NameEverySettingWithoutTheValue(string provider, string source)
    {
        var options = Bind(new()
        {
            ["Gateway:Stores:a:Provider"] = provider,
            ["Gateway:Stores:a:Credentials:Source"] = source,
            ["Gateway:Stores:b:Provider"] = "s3",
            ["Gateway:Stores:b:Region"] = "us-east-1",
        });

        var failures = Validate(options);

        Assert.Equal(StoreProvider.Unrecognized, options.Stores["a"].Provider);
        Assert.Equal(CredentialSource.Unrecognized, options.Stores["a"].Credentials!.Source);
        Assert.Contains(failures, failure => failure.Contains("Gateway:Stores:a:Provider: must be one of: cos, s3", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.Contains(
            "Gateway:Stores:a:Credentials:Source: must be one of: static, environment, tencent-sts, aws-sts, aws-web-identity", StringComparison.Ordinal));
        // The other store's errors are still reported: nothing stopped at the first bad value.
        Assert.Contains(failures, failure => failure.Contains("Gateway:Stores:b.Bucket", StringComparison.Ordinal));
        Assert.All(failures, failure => Assert.DoesNotContain($"'{provider}'", failure, StringComparison.Ordinal));
        Assert.All(failures, failure => Assert.DoesNotContain(source, failure, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BucketAUrlParserWouldChange_NamesTheStoreWithoutBuildingIt()
    {
        var options = Bind(new()
        {
            ["Gateway:Stores:a:Provider"] = "cos",
            ["Gateway:Stores:a:Bucket"] = "Upper-1250000000",
            ["Gateway:Stores:a:Region"] = "ap-guangzhou",
            ["Gateway:Stores:a:Credentials:AccessKeyId"] = "AKID",
            ["Gateway:Stores:a:Credentials:SecretKey"] = "secret",
        });

        var failure = Assert.Single(Validate(options));

        Assert.Contains("Gateway:Stores:a:", failure, StringComparison.Ordinal);
        Assert.Contains("StoreAddress.Bucket", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("Upper-1250000000", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SourceOfTheOtherProvider_SaysWhichProvider()
    {
        var options = Bind(new()
        {
            ["Gateway:Stores:a:Provider"] = "s3",
            ["Gateway:Stores:a:Bucket"] = "b",
            ["Gateway:Stores:a:Region"] = "us-east-1",
            ["Gateway:Stores:a:Credentials:Source"] = "tencent-sts",
            ["Gateway:Stores:a:Credentials:AccessKeyId"] = "AKID",
            ["Gateway:Stores:a:Credentials:SecretKey"] = "secret",
            ["Gateway:Stores:a:Credentials:Sts:Region"] = "ap-guangzhou",
        });

        Assert.Contains(Validate(options), failure => failure.Contains("Gateway:Stores:a:Credentials:Source: does not fit a 's3' store", StringComparison.Ordinal));
    }

    private static StoresOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(StoresOptions.SectionName).Get<StoresOptions>()!;

    private static IReadOnlyList<string> Validate(StoresOptions options)
    {
        var validator = new StoresOptionsValidator(new ConfigurationBuilder().Build(), new HostingEnvironment { EnvironmentName = "Development" });
        return validator.Validate(name: null, options).Failures?.ToList() ?? [];
    }
}
