using Gateway.Signing.Credentials;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Signing.Tests.Credentials;

public sealed class RefreshingCredentialsProviderTests
{
    private static readonly DateTimeOffset s_start = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_margin = new RefreshSettings().ExpiryMargin;

    private readonly FakeTimeProvider _time = new(s_start);

    [Fact]
    public async Task GetCredentialsAsync_ThousandConcurrentCallersBeforeFirstFetch_ShareOneFetch()
    {
        var gate = new TaskCompletionSource<StorageCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new FakeCredentialsSource(_time);
        source.Behaviour = (_, _) => gate.Task;
        using var provider = new RefreshingCredentialsProvider(source, _time);

        Task<StorageCredentials>[] callers = CallConcurrently(provider, 1000);

        Assert.Equal(1, source.Calls);
        Assert.All(callers, caller => Assert.False(caller.IsCompleted));
        StorageCredentials issued = source.Issue(1);
        gate.SetResult(issued);
        StorageCredentials[] results = await Task.WhenAll(callers);
        Assert.All(results, result => Assert.Same(issued, result));
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task GetCredentialsAsync_ThousandConcurrentCallersAfterExpiryWithNoFetchRunning_StartOneFetch()
    {
        // Timers never fire here, so the callers themselves must start the fetch, and only one of them may.
        var time = new InertTimerTimeProvider(s_start);
        var source = new FakeCredentialsSource(time, lifetime: TimeSpan.FromMinutes(10));
        using var provider = new RefreshingCredentialsProvider(source, time);
        time.Advance(TimeSpan.FromMinutes(10));
        var gate = new TaskCompletionSource<StorageCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Behaviour = (_, _) => gate.Task;

        Task<StorageCredentials>[] callers = CallConcurrently(provider, 1000);

        Assert.Equal(2, source.Calls);
        StorageCredentials issued = source.Issue(2);
        gate.SetResult(issued);
        Assert.All(await Task.WhenAll(callers), result => Assert.Same(issued, result));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task GetCredentialsAsync_ValidCredentialsCached_CompletesSynchronouslyWithoutAllocating()
    {
        var source = new FakeCredentialsSource(_time);
        using var provider = new RefreshingCredentialsProvider(source, _time);
        StorageCredentials first = await provider.GetCredentialsAsync(CancellationToken.None);

        bool allSynchronous = true;
        for (int i = 0; i < 100; i++)
        {
            allSynchronous &= provider.GetCredentialsAsync(CancellationToken.None).IsCompletedSuccessfully;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            ValueTask<StorageCredentials> pending = provider.GetCredentialsAsync(CancellationToken.None);
#pragma warning disable xUnit1031 // Completed (checked first): Result does not block, and awaiting would measure the state machine.
            allSynchronous &= pending.IsCompletedSuccessfully && ReferenceEquals(pending.Result, first);
#pragma warning restore xUnit1031
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allSynchronous);
        Assert.Equal(0, allocated);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task Refresh_ClockAdvancesThreeLifetimes_RefreshesAheadAndCallersNeverSeeExpiredCredentials()
    {
        var source = new FakeCredentialsSource(_time);
        using var provider = new RefreshingCredentialsProvider(source, _time);

        for (int minute = 1; minute <= 180; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            ValueTask<StorageCredentials> pending = provider.GetCredentialsAsync(CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully, $"A fetch was needed at minute {minute}.");
            StorageCredentials credentials = await pending;
            Assert.True(credentials.Expiration - s_margin > _time.GetUtcNow(), $"Expired credentials at minute {minute}.");
        }

        // One hour lifetime: 20 % = 12 minutes ahead, so every 48 minutes.
        Assert.Equal(
            new[] { 0, 48, 96, 144 }.Select(m => s_start.AddMinutes(m)),
            source.CallTimes);
        Assert.Equal(CredentialsState.Ready, provider.State);
        Assert.Equal(s_start.AddMinutes(144 + 60), provider.Expiration);
    }

    [Theory]
    [InlineData(3600, null, 720)] // 20 %
    [InlineData(900, null, 180)]
    [InlineData(43_200, null, 900)] // capped at 15 minutes
    [InlineData(180, null, 60)] // at least 1 minute
    [InlineData(60, null, 30)] // never more than half the lifetime
    [InlineData(3600, 600, 600)]
    [InlineData(600, 600, 300)]
    public void RefreshAheadFor_Lifetime_FollowsDefaultRuleOrSetting(int lifetimeSeconds, int? aheadSeconds, int expectedSeconds)
    {
        var settings = new RefreshSettings { RefreshAhead = aheadSeconds is { } s ? TimeSpan.FromSeconds(s) : null };

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), settings.RefreshAheadFor(TimeSpan.FromSeconds(lifetimeSeconds)));
    }

    [Fact]
    public async Task Refresh_SourceFails_KeepsCurrentCredentialsUntilExpiryThenUnavailable()
    {
        var source = new FakeCredentialsSource(_time);
        using var provider = new RefreshingCredentialsProvider(source, _time);
        StorageCredentials first = await provider.GetCredentialsAsync(CancellationToken.None);
        var outcomes = new List<CredentialRefreshOutcome>();
        provider.Refreshed += outcomes.Add;
        source.Fail("InternalError");

        _time.Advance(TimeSpan.FromMinutes(48));

        Assert.Equal(CredentialsState.Failing, provider.State);
        Assert.Same(first, await provider.GetCredentialsAsync(CancellationToken.None));

        // Retries go on with backoff; the old credentials are handed out up to the margin before expiry.
        DateTimeOffset lastValid = first.Expiration!.Value - s_margin - TimeSpan.FromSeconds(1);
        while (_time.GetUtcNow() < lastValid)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Same(first, await provider.GetCredentialsAsync(CancellationToken.None));
        }

        _time.Advance(TimeSpan.FromSeconds(1));

        CredentialsUnavailableException error = await Assert.ThrowsAsync<CredentialsUnavailableException>(
            () => provider.GetCredentialsAsync(CancellationToken.None).AsTask());
        Assert.Equal(CredentialsState.Expired, provider.State);
        Assert.Contains("InternalError", error.Message, StringComparison.Ordinal);
        Assert.Equal("InternalError", Assert.IsType<StsException>(error.InnerException).ErrorCode);
        SecretAssert.Absent(error, FakeCredentialsSource.Secret, FakeCredentialsSource.Token);

        Assert.True(outcomes.Count > 5, "Failed refreshes were retried.");
        Assert.All(outcomes, outcome =>
        {
            Assert.False(outcome.Succeeded);
            Assert.Equal("InternalError", outcome.ErrorCode);
            Assert.True(outcome.IsTransient);
            Assert.Equal("fake", outcome.SourceKind);
            SecretAssert.Absent(outcome.ToString(), FakeCredentialsSource.Secret, FakeCredentialsSource.Token);
        });
        Assert.Equal(Enumerable.Range(1, outcomes.Count), outcomes.Select(o => o.ConsecutiveFailures));
    }

    [Fact]
    public async Task Refresh_SourceRecoversAfterExpiry_ReadyAgainWithNewCredentials()
    {
        var source = new FakeCredentialsSource(_time, lifetime: TimeSpan.FromMinutes(15));
        using var provider = new RefreshingCredentialsProvider(source, _time);
        source.Fail();
        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(CredentialsState.Expired, provider.State);
        var outcomes = new List<CredentialRefreshOutcome>();
        provider.Refreshed += outcomes.Add;

        source.Succeed();
        _time.Advance(new RefreshSettings().MaxRetryDelay);

        Assert.Equal(CredentialsState.Ready, provider.State);
        StorageCredentials credentials = await provider.GetCredentialsAsync(CancellationToken.None);
        Assert.Equal("AKIDFAKE" + source.Calls, credentials.AccessKeyId);
        CredentialRefreshOutcome success = Assert.Single(outcomes);
        Assert.True(success.Succeeded);
        Assert.Equal(credentials.Expiration, success.Expiration);
        Assert.Equal(0, success.ConsecutiveFailures);
        Assert.Null(success.Error);
        Assert.Equal(credentials.Expiration!.Value - TimeSpan.FromMinutes(3), success.NextAttemptAt);
    }

    [Fact]
    public async Task Retry_RepeatedFailures_BackOffExponentiallyWithJitterUpToTheCap()
    {
        var settings = new RefreshSettings { MinRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(16) };
        var source = new FakeCredentialsSource(_time);
        source.Fail();
        using var provider = new RefreshingCredentialsProvider(source, _time, settings);
        TimeSpan step = TimeSpan.FromMilliseconds(100);

        for (int i = 0; i < 1500; i++)
        {
            _time.Advance(step);
        }

        DateTimeOffset[] calls = [.. source.CallTimes];
        Assert.True(calls.Length >= 10, $"Only {calls.Length} attempts in 150 s.");
        for (int n = 1; n < calls.Length; n++)
        {
            TimeSpan interval = calls[n] - calls[n - 1];
            TimeSpan ceiling = settings.RetryDelayFor(n);
            TimeSpan floor = ceiling / 2 > settings.MinRetryDelay ? ceiling / 2 : settings.MinRetryDelay;
            Assert.InRange(interval, floor, ceiling + step);
        }

        Assert.Equal(TimeSpan.FromSeconds(16), settings.RetryDelayFor(calls.Length));
        Assert.Equal(CredentialsState.Expired, provider.State);
        await Assert.ThrowsAsync<CredentialsUnavailableException>(() => provider.GetCredentialsAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task GetCredentialsAsync_ExpiredInsideBackoffWindow_FailsFastWithoutCallingSource()
    {
        var time = new InertTimerTimeProvider(s_start);
        var source = new FakeCredentialsSource(time);
        source.Fail("RequestLimitExceeded");
        using var provider = new RefreshingCredentialsProvider(source, time);

        CredentialsUnavailableException error = await Assert.ThrowsAsync<CredentialsUnavailableException>(
            () => provider.GetCredentialsAsync(CancellationToken.None).AsTask());

        Assert.Equal(1, source.Calls);
        Assert.IsType<StsException>(error.InnerException);

        // Once the retry delay has passed, demand brings the retry forward.
        time.Advance(TimeSpan.FromSeconds(1));
        source.Succeed();
        StorageCredentials credentials = await provider.GetCredentialsAsync(CancellationToken.None);
        Assert.Equal(2, source.Calls);
        Assert.Equal("AKIDFAKE2", credentials.AccessKeyId);
    }

    [Fact]
    public async Task GetCredentialsAsync_SharedFetchFails_EveryWaiterGetsUnavailable()
    {
        var gate = new TaskCompletionSource<StorageCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new FakeCredentialsSource(_time);
        source.Behaviour = (_, _) => gate.Task;
        using var provider = new RefreshingCredentialsProvider(source, _time);
        Task<StorageCredentials>[] callers = CallConcurrently(provider, 50);

        gate.SetException(new HttpRequestException("connection refused"));

        foreach (Task<StorageCredentials> caller in callers)
        {
            CredentialsUnavailableException error = await Assert.ThrowsAsync<CredentialsUnavailableException>(() => caller);
            Assert.IsType<HttpRequestException>(error.InnerException);
        }

        Assert.Equal(1, source.Calls);
        Assert.Equal(CredentialsState.Expired, provider.State);
    }

    [Fact]
    public async Task State_ThroughALifetime_ReportsEachPhase()
    {
        var gate = new TaskCompletionSource<StorageCredentials>();
        var source = new FakeCredentialsSource(_time);
        source.Behaviour = (_, _) => gate.Task;
        using var provider = new RefreshingCredentialsProvider(source, _time);
        Assert.Equal(CredentialsState.Expired, provider.State);
        Assert.Null(provider.Expiration);

        await Settle(() => gate.SetResult(source.Issue(1)));
        Assert.Equal(CredentialsState.Ready, provider.State);

        var refresh = new TaskCompletionSource<StorageCredentials>();
        source.Behaviour = (_, _) => refresh.Task;
        _time.Advance(TimeSpan.FromMinutes(48));
        Assert.Equal(CredentialsState.Refreshing, provider.State);

        await Settle(() => refresh.SetException(new TimeoutException()));
        Assert.Equal(CredentialsState.Failing, provider.State);

        source.Succeed();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CredentialsState.Ready, provider.State);
    }

    [Fact]
    public async Task Refreshed_FirstFetchCompletesAfterSubscription_ReportsSuccess()
    {
        var gate = new TaskCompletionSource<StorageCredentials>();
        var source = new FakeCredentialsSource(_time);
        source.Behaviour = (_, _) => gate.Task;
        using var provider = new RefreshingCredentialsProvider(source, _time);
        var outcomes = new List<CredentialRefreshOutcome>();
        provider.Refreshed += outcomes.Add;

        await Settle(() => gate.SetResult(source.Issue(1)));

        CredentialRefreshOutcome outcome = Assert.Single(outcomes);
        Assert.True(outcome.Succeeded);
        Assert.Equal(s_start.AddHours(1), outcome.Expiration);
        Assert.Equal(s_start.AddMinutes(48), outcome.NextAttemptAt);
        Assert.Null(outcome.ErrorCode);
    }

    [Fact]
    public async Task GetCredentialsAsync_OneCallerCancels_SharedFetchGoesOnForOthers()
    {
        var gate = new TaskCompletionSource<StorageCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new FakeCredentialsSource(_time);
        source.Behaviour = (_, _) => gate.Task;
        using var provider = new RefreshingCredentialsProvider(source, _time);
        using var cancellation = new CancellationTokenSource();
        Task<StorageCredentials> cancelled = provider.GetCredentialsAsync(cancellation.Token).AsTask();
        Task<StorageCredentials> patient = provider.GetCredentialsAsync(CancellationToken.None).AsTask();

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult(source.Issue(1));

        Assert.Equal("AKIDFAKE1", (await patient).AccessKeyId);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task Fetch_CredentialsWithoutExpiry_CountsAsFailure()
    {
        var source = new FakeCredentialsSource(_time);
        source.Behaviour = (call, _) => Task.FromResult(source.Issue(call) with { Expiration = null });
        using var provider = new RefreshingCredentialsProvider(source, _time);

        CredentialsUnavailableException error = await Assert.ThrowsAsync<CredentialsUnavailableException>(
            () => provider.GetCredentialsAsync(CancellationToken.None).AsTask());

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(CredentialsState.Expired, provider.State);
    }

    [Fact]
    public async Task Dispose_StopsRefreshingAndCancelsFetchInFlight()
    {
        var source = new FakeCredentialsSource(_time);
        var provider = new RefreshingCredentialsProvider(source, _time);
        var gate = new TaskCompletionSource<StorageCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Behaviour = (_, cancellationToken) => gate.Task.WaitAsync(cancellationToken);
        _time.Advance(TimeSpan.FromMinutes(48));
        Assert.Equal(2, source.Calls);
        _time.Advance(TimeSpan.FromMinutes(12));
        Task<StorageCredentials> waiting = provider.GetCredentialsAsync(CancellationToken.None).AsTask();

        provider.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(2, source.Calls);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.GetCredentialsAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public void Constructor_InvalidSettings_ListsEveryProblem()
    {
        var settings = new RefreshSettings
        {
            RefreshAhead = TimeSpan.Zero,
            MinRetryDelay = TimeSpan.FromSeconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            ExpiryMargin = TimeSpan.FromSeconds(-1),
        };

        ArgumentException error = Assert.Throws<ArgumentException>(
            () => new RefreshingCredentialsProvider(new FakeCredentialsSource(_time), _time, settings));

        foreach (string setting in new[] { "RefreshAhead", "MaxRetryDelay", "ExpiryMargin" })
        {
            Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Kind_IsTemporaryAndSourceKindIsTheSources()
    {
        using var provider = new RefreshingCredentialsProvider(new FakeCredentialsSource(_time), _time);

        Assert.Equal("temporary", provider.Kind);
        Assert.Equal("fake", provider.SourceKind);
    }

    [Fact]
    public async Task GetCredentialsAsync_FailedWithServiceCode_MessageNamesCodeAndHoldsNoSecret()
    {
        var source = new FakeCredentialsSource(_time);
        source.Fail("AccessDenied");
        using var provider = new RefreshingCredentialsProvider(source, _time);
        CredentialsUnavailableException error = await Assert.ThrowsAsync<CredentialsUnavailableException>(
            () => provider.GetCredentialsAsync(CancellationToken.None).AsTask());

        SecretAssert.Absent(error, FakeCredentialsSource.Secret, FakeCredentialsSource.Token);
        Assert.Equal(
            "No valid temporary credentials are available: they have expired or were never fetched, and fetching them failed. Last error code: AccessDenied.",
            error.Message);
    }

    /// <summary>
    /// Completes a gate where continuations may run inline (xunit's synchronization context forbids that on the test
    /// thread), so the provider has stored, scheduled and reported the fetch when this returns.
    /// </summary>
    private static Task Settle(Action complete) => Task.Run(complete);

    private static Task<StorageCredentials>[] CallConcurrently(RefreshingCredentialsProvider provider, int count)
    {
        var callers = new Task<StorageCredentials>[count];
        Parallel.For(0, count, i => callers[i] = provider.GetCredentialsAsync(CancellationToken.None).AsTask());
        return callers;
    }
}
