using Gateway.Signing.Credentials;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.Credentials;

public sealed class StorageCredentialsTests
{
    [Fact]
    public void ToString_TemporaryCredentials_OmitsSecretAndToken()
    {
        string text = TestCredentials.Temporary.ToString();

        Assert.Contains(TestCredentials.AccessKeyId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCredentials.SecretKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCredentials.SessionToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticCredentialsProvider_Temporary_ReportsKindAndHandsOutSameCredentials()
    {
        var provider = new StaticCredentialsProvider(TestCredentials.Temporary);

        StorageCredentials credentials = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.Same(TestCredentials.Temporary, credentials);
        Assert.Equal("temporary", provider.Kind);
    }
}
