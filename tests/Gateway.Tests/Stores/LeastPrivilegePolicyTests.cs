using System.Text.Json;
using Gateway.Cli;
using Gateway.Routing;
using Gateway.Stores;

using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Stores;

public sealed class LeastPrivilegePolicyTests
{
    private static DownloadRoute Route(string store, string template) =>
        new("r", store, ObjectKeyTemplate.TryParse(template, out _)!, TimeSpan.FromMinutes(5));

    [Fact]
    public void Prefixes_RoutesOfTheStore_AreTheLiteralPrefixesWithoutOverlap()
    {
        var prefixes = LeastPrivilegePolicy.Prefixes("s3", [
            Route("s3", "tenants/{tenant}/{path}"),
            Route("s3", "tenants/{tenant}/archive/{path}"),
            Route("s3", "public/{path}"),
            Route("other", "secret/{path}"),
        ]);

        Assert.Equal(["public/", "tenants/"], prefixes);
    }

    [Fact]
    public void Prefixes_TemplateStartingWithPlaceholder_CoversWholeBucket() =>
        Assert.Equal([""], LeastPrivilegePolicy.Prefixes("s3", [Route("s3", "{path}"), Route("s3", "public/{path}")]));

    [Fact]
    public void For_CosStore_IsReadOnlyCamPolicyOnThePrefixes()
    {
        var store = new StoreOptions { Provider = StoreProvider.Cos, Bucket = "examplebucket-1250000000", Region = "ap-guangzhou" };

        using var policy = JsonDocument.Parse(LeastPrivilegePolicy.For(store, ["tenants/"]));

        var statement = Assert.Single(policy.RootElement.GetProperty("statement").EnumerateArray());
        Assert.Equal("allow", statement.GetProperty("effect").GetString());
        Assert.Equal(["name/cos:GetObject", "name/cos:HeadObject"], statement.GetProperty("action").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/tenants/*"], statement.GetProperty("resource").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void For_S3Store_IsGetObjectOnlyOnThePrefixes()
    {
        var store = new StoreOptions { Provider = StoreProvider.S3, Bucket = "archive", Region = "eu-west-1" };

        using var policy = JsonDocument.Parse(LeastPrivilegePolicy.For(store, ["public/", "tenants/"]));

        var statement = Assert.Single(policy.RootElement.GetProperty("Statement").EnumerateArray());
        Assert.Equal(["s3:GetObject"], statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["arn:aws:s3:::archive/public/*", "arn:aws:s3:::archive/tenants/*"], statement.GetProperty("Resource").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void For_RoutesWithFolderPages_AddListingNarrowedToTheirPrefixes()
    {
        var s3 = new StoreOptions { Provider = StoreProvider.S3, Bucket = "archive", Region = "eu-west-1" };
        var cos = new StoreOptions { Provider = StoreProvider.Cos, Bucket = "examplebucket-1250000000", Region = "ap-guangzhou" };
        var listing = LeastPrivilegePolicy.ListingPrefixes("s3", [Route("s3", "tenants/{path}") with { Listing = true }, Route("s3", "public/{path}")]);

        using var iam = JsonDocument.Parse(LeastPrivilegePolicy.For(s3, ["public/", "tenants/"], listing: listing));
        using var cam = JsonDocument.Parse(LeastPrivilegePolicy.For(cos, ["tenants/"], listing: listing));

        Assert.Equal(["tenants/"], listing);
        var list = iam.RootElement.GetProperty("Statement")[1];
        Assert.Equal("s3:ListBucket", list.GetProperty("Action")[0].GetString());
        Assert.Equal("arn:aws:s3:::archive", list.GetProperty("Resource")[0].GetString());
        Assert.Equal("tenants/*", list.GetProperty("Condition").GetProperty("StringLike").GetProperty("s3:prefix")[0].GetString());
        var camList = cam.RootElement.GetProperty("statement")[1];
        Assert.Equal("name/cos:GetBucket", camList.GetProperty("action")[0].GetString());
        Assert.Equal("tenants/*", camList.GetProperty("condition").GetProperty("string_like").GetProperty("cos:prefix")[0].GetString());
        Assert.Single(JsonDocument.Parse(LeastPrivilegePolicy.For(s3, ["tenants/"])).RootElement.GetProperty("Statement").EnumerateArray());
    }

    [Fact]
    public void PolicyCommand_DefaultConfiguration_PrintsEveryStorePolicy()
    {
        using var output = new StringWriter();

        Assert.Equal(0, CommandLine.TryRun(["--environment", GatewayHost.TestEnvironment, "policy"], output, TextWriter.Null));

        var text = output.ToString();
        Assert.Contains("qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/tenants/*", text, StringComparison.Ordinal);
        Assert.Contains("arn:aws:s3:::demo/users/*", text, StringComparison.Ordinal);
        Assert.Equal(2, CommandLine.TryRun(["--environment", GatewayHost.TestEnvironment, "policy", "no-such-store"], TextWriter.Null, TextWriter.Null));
    }
}
