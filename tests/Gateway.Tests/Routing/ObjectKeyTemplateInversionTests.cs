using Gateway.Routing;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Tests.Routing;

/// <summary>Inverting a key template (the rewrite verb) and building a folder's prefix (folder pages).</summary>
public sealed class ObjectKeyTemplateInversionTests
{
    private static ObjectKeyTemplate Template(string text) => ObjectKeyTemplate.TryParse(text, out _)!;

    [Theory]
    [InlineData("tenants/{tenant}/{path}", "tenants/acme/reports/q3 final.pdf", "tenant=acme;path=reports/q3 final.pdf")]
    [InlineData("tenants/{tenant}/{path}", "tenants/acme/報告.pdf", "tenant=acme;path=報告.pdf")]
    [InlineData("users/{user}/files/{path}", "users/u-1/files/a/b", "user=u-1;path=a/b")]
    [InlineData("{tenant}-{year}/{path}", "acme-corp-2024/x", "tenant=acme;year=corp-2024;path=x")]
    [InlineData("{tenant}/x/{tenant}/{path}", "acme/x/acme/f", "tenant=acme;path=f")]
    public void TryMatch_KeyTheTemplateBuilds_GivesTheRouteValuesThatBuildItAgain(string template, string key, string expected)
    {
        var values = Template(template).TryMatch(key, name => name == "path");

        Assert.NotNull(values);
        Assert.Equal(expected, string.Join(';', values.Select(pair => $"{pair.Key}={pair.Value}")));
        Assert.Equal(key, Template(template).TryBuild(new RouteValueDictionary(values.ToDictionary(p => p.Key, p => (object?)p.Value)), out _));
    }

    [Theory]
    [InlineData("tenants/{tenant}/{path}", "tenants/acme")]
    [InlineData("tenants/{tenant}/{path}", "tenants/acme/")]
    [InlineData("tenants/{tenant}/{path}", "other/acme/x")]
    [InlineData("tenants/{tenant}/{path}", "tenants/acme/../x")]
    [InlineData("tenants/{tenant}/{path}", "tenants/acme/a\\b")]
    [InlineData("{tenant}/x/{tenant}/{path}", "acme/x/globex/f")]
    [InlineData("users/{user}/{file}", "users/a/b/c")]
    public void TryMatch_KeyTheTemplateCannotBuild_IsNull(string template, string key) =>
        Assert.Null(Template(template).TryMatch(key, name => name == "path"));

    [Theory]
    [InlineData("", "tenants/acme/")]
    [InlineData("reports/", "tenants/acme/reports/")]
    [InlineData("a/b/", "tenants/acme/a/b/")]
    public void TryBuildPrefix_Folder_IsTheKeyPrefix(string folder, string prefix) =>
        Assert.Equal(prefix, Template("tenants/{tenant}/{path}").TryBuildPrefix(new RouteValueDictionary { ["tenant"] = "acme" }, folder, out _));

    [Theory]
    [InlineData("../")]
    [InlineData("a/./")]
    [InlineData("a")]
    public void TryBuildPrefix_UnsafeFolder_IsRefused(string folder)
    {
        Assert.Null(Template("tenants/{tenant}/{path}").TryBuildPrefix(new RouteValueDictionary { ["tenant"] = "acme" }, folder, out var error));
        Assert.NotNull(error);
    }
}
