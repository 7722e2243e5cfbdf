using System.Text.Json;
using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

/// <summary>The one wording of configuration problems, at start-up and on reload: path, value (secrets redacted), problem.</summary>
public sealed class ConfigurationProblemsTests
{
    private static readonly IConfiguration s_configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Gateway:Stores:s3:Provider"] = "ftp",
        ["Gateway:Stores:s3:Credentials:SecretKey"] = "hunter2",
        ["Gateway:Stores:s3:Credentials:SessionToken"] = "token-value",
        ["Gateway:Redis:Configuration"] = "redis:6379,password=p",
        ["Gateway:DefaultUrlLifetime"] = "30.00:00:00",
        ["Authentication:Oidc:ClientSecret"] = "client-secret-value",
        ["Authentication:Jwt:ClockSkew"] = "00:05:00",
        ["ReverseProxy:Routes:files:Metadata:Download.Store"] = "nowhere",
        ["ReverseProxy:Routes:files:RateLimiterPolicy"] = "missing",
        ["Gateway:Stores:s3:Bucket"] = "",
    }).Build();

    [Theory]
    [InlineData("Property Gateway:Stores:s3:Provider: must be one of: cos, s3", "Gateway:Stores:s3:Provider = \"ftp\": must be one of: cos, s3")]
    [InlineData("Property Gateway:Stores:s3:Credentials:SecretKey: is too short", "Gateway:Stores:s3:Credentials:SecretKey (redacted): is too short")]
    [InlineData("Property Gateway:Stores:s3:Credentials:SessionToken: is odd", "Gateway:Stores:s3:Credentials:SessionToken (redacted): is odd")]
    [InlineData("Property Gateway:Redis:Configuration: is not valid", "Gateway:Redis:Configuration (redacted): is not valid")]
    [InlineData("Property Authentication:Oidc:ClientSecret: is odd", "Authentication:Oidc:ClientSecret (redacted): is odd")]
    [InlineData("Property Gateway:Stores:s3:Credentials: needs a key", "Gateway:Stores:s3:Credentials: needs a key")]
    [InlineData("Property Gateway:Stores:s3:Region: is required", "Gateway:Stores:s3:Region (not set): is required")]
    [InlineData(
        "Property ReverseProxy:Routes:files: Metadata 'Download.Store' names the store 'nowhere', which is not configured",
        "ReverseProxy:Routes:files:Metadata:Download.Store = \"nowhere\": names the store 'nowhere', which is not configured")]
    [InlineData(
        "Property ReverseProxy:Routes:files: RateLimiterPolicy must name a policy",
        "ReverseProxy:Routes:files:RateLimiterPolicy = \"missing\": must name a policy")]
    [InlineData(
        "DefaultUrlLifetime: The field Gateway.DefaultUrlLifetime must be between 00:00:01 and 7.00:00:00.",
        "Gateway:DefaultUrlLifetime = \"30.00:00:00\": must be between 00:00:01 and 7.00:00:00")]
    [InlineData(
        "ClockSkew: The field Authentication:Jwt.ClockSkew must be between 00:00:00 and 00:00:30.",
        "Authentication:Jwt:ClockSkew = \"00:05:00\": must be between 00:00:00 and 00:00:30")]
    [InlineData("Bucket: The Gateway:Stores:s3.Bucket field is required.", "Gateway:Stores:s3:Bucket = \"\": is required")]
    [InlineData("Rules file: rule 2 has no id.", "Rules file: rule 2 has no id.")]
    public void Describe_EachValidatorWording_BecomesPathValueProblem(string failure, string expected) =>
        Assert.Equal(expected, Assert.Single(ConfigurationProblems.Describe([failure], s_configuration)));

    [Fact]
    public void Describe_WithoutConfiguration_NamesThePathOnly() =>
        Assert.Equal(
            "ReverseProxy:Routes:files:Metadata:Download.Key: uses '{x}'",
            Assert.Single(ConfigurationProblems.Describe(["Property ReverseProxy:Routes:files: Metadata 'Download.Key' uses '{x}'"], configuration: null)));

    [Theory]
    [InlineData("{\n  \"a\": 1,\n  oops\n}", "not valid JSON at line 3, column 3")]
    [InlineData("", "not valid JSON at line 1, column 1")]
    public void DescribeJson_GivesOneBasedLineAndColumnAndNoText(string json, string expected)
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(json));

        Assert.Equal(expected, ConfigurationProblems.DescribeJson(error));
    }

    [Fact]
    public void Report_OneBlock_CountsTheProblemsAndKeepsTheNoteApart()
    {
        var report = ConfigurationProblems.Report(["a = \"1\": bad", "b = \"2\": bad"], "The environment is 'Production', so these files were not loaded: x.json.");

        Assert.Equal(
            string.Join(Environment.NewLine, "The gateway cannot start: 2 configuration problems.", "  a = \"1\": bad", "  b = \"2\": bad",
                "The environment is 'Production', so these files were not loaded: x.json.", ""),
            report);
    }
}
