using Gateway.Routing;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Tests.Routing;

public sealed class ObjectKeyTemplateTests
{
    private static ObjectKeyTemplate Parse(string text) =>
        ObjectKeyTemplate.TryParse(text, out var error) ?? throw new InvalidOperationException(error);

    private static RouteValueDictionary Values(string tenant, string path) => new() { ["tenant"] = tenant, ["path"] = path };

    [Theory]
    [InlineData("acme", "reports/q3.pdf", "tenants/acme/reports/q3.pdf")]
    [InlineData("acme", "a b/中文/😀.txt", "tenants/acme/a b/中文/😀.txt")]
    [InlineData("acme", "100%25.txt", "tenants/acme/100%25.txt")]
    [InlineData("acme", "a%2Fb", "tenants/acme/a%2Fb")]
    [InlineData("acme", "dir//double", "tenants/acme/dir//double")]
    [InlineData("acme", "...", "tenants/acme/...")]
    [InlineData("acme", "a..b/.hidden", "tenants/acme/a..b/.hidden")]
    public void TryBuild_SafeValues_InsertsThemVerbatim(string tenant, string path, string expected)
    {
        Assert.Equal(expected, Parse("tenants/{tenant}/{path}").TryBuild(Values(tenant, path), out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("acme", "")]
    [InlineData("", "x")]
    [InlineData("acme", "..")]
    [InlineData("acme", "a/../b")]
    [InlineData("acme", "a/./b")]
    [InlineData("acme", "a/..")]
    [InlineData("..", "x")]
    [InlineData("acme", "a\\b")]
    [InlineData("acme", "a\0b")]
    [InlineData("acme", "a\nb")]
    [InlineData("acme", "a\rb")]
    [InlineData("acme", "a\u007fb")]
    [InlineData("acme", "a\u0085b")]
    public void TryBuild_UnsafeValues_ReturnsNullWithReason(string tenant, string path)
    {
        Assert.Null(Parse("tenants/{tenant}/{path}").TryBuild(Values(tenant, path), out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryBuild_LoneSurrogate_ReturnsNull()
    {
        // Built in code: xunit's theory serialization would replace lone surrogates with U+FFFD.
        var template = Parse("tenants/{tenant}/{path}");
        foreach (var path in new[] { "a" + (char)0xD800 + "b", "a" + (char)0xDC00, (char)0xDBFF + "" })
        {
            Assert.Null(template.TryBuild(Values("acme", path), out var error));
            Assert.Equal("The object key is not valid Unicode.", error);
        }

        Assert.NotNull(template.TryBuild(Values("acme", "emoji-\U0001F600"), out _));
    }

    [Fact]
    public void TryBuild_MissingRouteValue_ReturnsNull() =>
        Assert.Null(Parse("tenants/{tenant}/{path}").TryBuild(new RouteValueDictionary { ["tenant"] = "acme" }, out _));

    [Fact]
    public void TryBuild_KeyOver1024Bytes_ReturnsNull() =>
        Assert.Null(Parse("{path}").TryBuild(new RouteValueDictionary { ["path"] = new string('é', 513) }, out _));

    [Fact]
    public void TryBuild_AnySafeValue_StaysInsideTemplatePrefix()
    {
        var template = Parse("tenants/{tenant}/{path}");
        foreach (var path in new[] { "x", "../x", "x/../../y", "..%2Fy", "/abs", "a/b/c" })
        {
            var key = template.TryBuild(Values("acme", path), out _);
            Assert.True(key is null || key.StartsWith("tenants/acme/", StringComparison.Ordinal), path);
            Assert.True(key is null || !key.Split('/').Any(s => s is "." or ".."), path);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("/tenants/{tenant}")]
    [InlineData("tenants/{tenant")]
    [InlineData("tenants/tenant}")]
    [InlineData("tenants/{}")]
    [InlineData("tenants/../{path}")]
    [InlineData("tenants\\{path}")]
    public void TryParse_InvalidTemplate_ReturnsReason(string text)
    {
        Assert.Null(ObjectKeyTemplate.TryParse(text, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Placeholders_ListsRouteValueNames() =>
        Assert.Equal(["tenant", "path"], Parse("tenants/{tenant}/{path}").Placeholders);
}
