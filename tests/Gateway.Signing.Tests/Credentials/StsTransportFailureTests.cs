using Gateway.Signing.Credentials;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Signing.Tests.Credentials;

/// <summary>How failures below HTTP, including those of the host's resilience pipeline, become <see cref="StsException"/>.</summary>
public sealed class StsTransportFailureTests
{
    public static TheoryData<Exception, StsFailureReason> Failures => new()
    {
        { new HttpRequestException("connection refused"), StsFailureReason.Transport },
        { new IOException("connection reset"), StsFailureReason.Transport },
        { new Polly.Timeout.TimeoutRejectedException(), StsFailureReason.Timeout },
        { new Polly.ExecutionRejectedException("The circuit is now open."), StsFailureReason.Transport },
        { new TaskCanceledException("timeout", new TimeoutException()), StsFailureReason.Timeout },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task FetchAsync_HandlerThrows_MapsToTransientStsException(Exception failure, StsFailureReason reason)
    {
        using var http = new HttpClient(new ThrowingHandler(failure));
        var source = new AwsStsCredentialsSource(
            http,
            new AwsStsOptions { RoleArn = "arn:aws:iam::123456789012:role/r" },
            new StorageCredentials { AccessKeyId = "AKIAEXAMPLE", SecretKey = "Secret/ThatMustNeverLeak" },
            new FakeTimeProvider());

        StsException error = await Assert.ThrowsAsync<StsException>(() => source.FetchAsync(CancellationToken.None));

        Assert.Equal(reason, error.Reason);
        Assert.True(error.IsTransient);
        Assert.Same(failure, error.InnerException);
        Assert.StartsWith("AWS STS AssumeRole failed: ", error.Message, StringComparison.Ordinal);
        SecretAssert.Absent(error, "Secret/ThatMustNeverLeak");
    }

    [Fact]
    public async Task FetchAsync_UnexpectedException_IsNotDisguised()
    {
        using var http = new HttpClient(new ThrowingHandler(new InvalidOperationException("a bug")));
        var source = new AwsStsCredentialsSource(
            http,
            new AwsStsOptions { RoleArn = "arn:aws:iam::123456789012:role/r" },
            new StorageCredentials { AccessKeyId = "AKIAEXAMPLE", SecretKey = "s" },
            new FakeTimeProvider());

        await Assert.ThrowsAsync<InvalidOperationException>(() => source.FetchAsync(CancellationToken.None));
    }

    private sealed class ThrowingHandler(Exception failure) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(failure);
    }
}
