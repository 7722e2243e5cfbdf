using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

/// <summary>The configuration folder: base files for every environment, <c>NAME.ENVIRONMENT.json</c> only for its own, after them.</summary>
public sealed class GatewayConfigurationSourcesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-sources-").FullName;

    public GatewayConfigurationSourcesTests()
    {
        // 'a.Development.json' sorts before 'b.json', yet loads after it.
        Write("a.json", """{ "From": "a", "Base": "a", "Secret": "" }""");
        Write("a.Development.json", """{ "From": "a.Development", "Secret": "demo" }""");
        Write("a.Production.json", """{ "From": "a.Production" }""");
        Write("b.json", """{ "From": "b", "Only": "b" }""");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("Development", "a.Development", "demo")]
    [InlineData("development", "a.Development", "demo")]
    [InlineData("Production", "a.Production", "")]
    [InlineData("Staging", "b", "")]
    public void AddGatewayFiles_EnvironmentFiles_LoadOnlyInTheirEnvironmentAfterTheBaseFiles(string environment, string from, string secret)
    {
        using var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection([new(GatewayConfigurationSources.DirectoryVariable, _directory)]);

        using var files = configuration.AddGatewayFiles(environment);

        Assert.Equal(from, configuration["From"]);
        Assert.Equal(secret, configuration["Secret"]);
        Assert.Equal("a", configuration["Base"]);
        Assert.Equal("b", configuration["Only"]);
    }

    [Theory]
    [InlineData("gateway.json", null)]
    [InlineData("gateway.Development.json", "Development")]
    [InlineData("proxy.routes.Staging.json", "Staging")]
    [InlineData(".Development.json", null)]
    public void EnvironmentOf_FileName_IsTheLastDottedPart(string fileName, string? environment) =>
        Assert.Equal(environment, GatewayConfigurationSources.EnvironmentOf(fileName));

    private void Write(string name, string json) => File.WriteAllText(Path.Combine(_directory, name), json);
}
