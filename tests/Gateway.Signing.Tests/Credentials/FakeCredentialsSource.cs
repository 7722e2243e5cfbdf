using Gateway.Signing.Credentials;

namespace Gateway.Signing.Tests.Credentials;

/// <summary>A credentials source that counts its calls and does whatever <see cref="Behaviour"/> says on each.</summary>
internal sealed class FakeCredentialsSource : ICredentialsSource
{
    public const string Secret = "Fake/Secret+ThatMustNeverLeak";
    public const string Token = "Fake/Token+ThatMustNeverLeak==";

    private int _calls;

    /// <summary>What a call does; by default it succeeds at once with credentials lasting one hour from now.</summary>
    public Func<int, CancellationToken, Task<StorageCredentials>> Behaviour { get; set; }

    public FakeCredentialsSource(TimeProvider time, TimeSpan? lifetime = null)
    {
        Time = time;
        Lifetime = lifetime ?? TimeSpan.FromHours(1);
        Behaviour = (call, _) => Task.FromResult(Issue(call));
    }

    public TimeProvider Time { get; }

    public TimeSpan Lifetime { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public List<DateTimeOffset> CallTimes { get; } = [];

    public string Kind => "fake";

    public Task<StorageCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        int call = Interlocked.Increment(ref _calls);
        lock (CallTimes)
        {
            CallTimes.Add(Time.GetUtcNow());
        }

        return Behaviour(call, cancellationToken);
    }

    /// <summary>Credentials numbered by call, expiring <see cref="Lifetime"/> from now.</summary>
    public StorageCredentials Issue(int call) => new()
    {
        AccessKeyId = "AKIDFAKE" + call,
        SecretKey = Secret,
        SessionToken = Token,
        Expiration = Time.GetUtcNow() + Lifetime,
    };

    public void Fail(string errorCode = "InternalError") =>
        Behaviour = (_, _) => Task.FromException<StorageCredentials>(
            CreateStsFailure(errorCode));

    public void Succeed() => Behaviour = (call, _) => Task.FromResult(Issue(call));

    /// <summary>A real service error as the sources raise it, made by parsing a Tencent error answer.</summary>
    private static StsException CreateStsFailure(string errorCode)
    {
        try
        {
            Gateway.Signing.Sts.TencentStsResponse.Parse(
                new Gateway.Signing.Sts.StsReply(
                    System.Net.HttpStatusCode.OK,
                    System.Text.Encoding.UTF8.GetBytes($$$$"""{"Response":{"Error":{"Code":"{{{{errorCode}}}}","Message":"m"}}}""")),
                "GetFederationToken",
                DateTimeOffset.UnixEpoch);
        }
        catch (StsException ex)
        {
            return ex;
        }

        throw new InvalidOperationException("The error answer parsed as a success.");
    }
}
