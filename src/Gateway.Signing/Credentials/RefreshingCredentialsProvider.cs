namespace Gateway.Signing.Credentials;

/// <summary>
/// Hands out temporary credentials from an <see cref="ICredentialsSource"/> and refreshes them in the background,
/// ahead of expiry, on a <see cref="TimeProvider"/> timer.
/// </summary>
/// <remarks>
/// <para>
/// The first fetch starts when the provider is created. After each success the next refresh is scheduled
/// <see cref="RefreshSettings.RefreshAhead"/> before expiry. After a failure it is retried with exponential backoff
/// and jitter (<see cref="RefreshSettings.MinRetryDelay"/> doubling up to <see cref="RefreshSettings.MaxRetryDelay"/>,
/// each delay drawn from its upper half) until one succeeds; meanwhile the current credentials keep being handed out
/// until they are within <see cref="RefreshSettings.ExpiryMargin"/> of expiry.
/// </para>
/// <para>
/// With valid credentials cached, <see cref="GetCredentialsAsync"/> completes synchronously and allocates nothing.
/// Without them, callers share one fetch: they wait for the one in flight, or start one if the retry delay after the
/// last failure has passed (so demand brings the next retry forward but never past the backoff). If that fetch
/// fails, or the last failure is more recent than the retry delay, they get a <see cref="CredentialsUnavailableException"/>
/// at once rather than waiting for the next retry.
/// </para>
/// </remarks>
public sealed class RefreshingCredentialsProvider : ICredentialsProvider, IDisposable
{
    private const string NoExpiryMessage = "The credentials source returned credentials without an expiry.";
    private const string TooShortMessage = "The credentials source returned credentials that expire within the expiry margin.";

    private static readonly TimerCallback s_onTimer = static state => ((RefreshingCredentialsProvider)state!).OnTimer();

    private readonly ICredentialsSource _source;
    private readonly TimeProvider _time;
    private readonly RefreshSettings _settings;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;

    // Read without the lock on the fast path; replaced whole, never changed.
    private volatile CachedCredentials? _current;

    // Guarded by _lock (read without it only by State, where a stale value is harmless).
    private Task<StorageCredentials>? _inflight;
    private int _consecutiveFailures;
    private DateTimeOffset _retryNotBefore = DateTimeOffset.MinValue;
    private Exception? _lastFailure;
    private bool _disposed;

    /// <summary>Creates the provider and starts the first fetch in the background.</summary>
    /// <param name="source">The credential service to call.</param>
    /// <param name="time">The clock for expiry checks and the refresh timer.</param>
    /// <param name="settings">Refresh timing; the defaults when null.</param>
    /// <exception cref="ArgumentException">A setting is invalid (every problem is listed).</exception>
    public RefreshingCredentialsProvider(ICredentialsSource source, TimeProvider time, RefreshSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(time);
        settings ??= new RefreshSettings();
        IReadOnlyList<string> errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid refresh settings: " + string.Join(" ", errors), nameof(settings));
        }

        _source = source;
        _time = time;
        _settings = settings;
        _stoppingToken = _stopping.Token;
        _timer = time.CreateTimer(s_onTimer, this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        OnTimer();
    }

    /// <summary>
    /// Raised after every fetch, on the thread that finished it, once the new state is in place. Handlers must be quick
    /// and must not throw (an exception from one does not stop refreshing). The first fetch starts in the constructor,
    /// so a source that answers synchronously reports it before anyone can subscribe.
    /// </summary>
    public event Action<CredentialRefreshOutcome>? Refreshed;

    /// <inheritdoc />
    public string Kind => "temporary";

    /// <summary>The source's kind (<c>tencent-sts</c>, <c>aws-sts</c>, ...), for audit records and metrics.</summary>
    public string SourceKind => _source.Kind;

    /// <summary>The health of the cached credentials, for readiness checks.</summary>
    public CredentialsState State
    {
        get
        {
            CachedCredentials? current = _current;
            if (current is null || !current.IsValidAt(_time.GetUtcNow()))
            {
                return CredentialsState.Expired;
            }

            return Volatile.Read(ref _consecutiveFailures) > 0 ? CredentialsState.Failing
                : Volatile.Read(ref _inflight) is not null ? CredentialsState.Refreshing
                : CredentialsState.Ready;
        }
    }

    /// <summary>When the cached credentials expire; null before the first successful fetch.</summary>
    public DateTimeOffset? Expiration => _current?.Credentials.Expiration;

    /// <inheritdoc />
    /// <exception cref="CredentialsUnavailableException">No valid credentials are cached and fetching them failed.</exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed and holds no valid credentials.</exception>
    public ValueTask<StorageCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        CachedCredentials? current = _current;
        return current is not null && current.IsValidAt(_time.GetUtcNow())
            ? new ValueTask<StorageCredentials>(current.Credentials)
            : GetSlowAsync(cancellationToken);
    }

    /// <summary>Stops the refresh timer and cancels a fetch in flight.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _timer.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async ValueTask<StorageCredentials> GetSlowAsync(CancellationToken cancellationToken)
    {
        Task<StorageCredentials> fetch;
        TaskCompletionSource<StorageCredentials>? started = null;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CachedCredentials? current = _current;
            DateTimeOffset now = _time.GetUtcNow();
            if (current is not null && current.IsValidAt(now))
            {
                return current.Credentials;
            }

            if (_inflight is null)
            {
                if (now < _retryNotBefore)
                {
                    // Inside the backoff window: fail at once rather than pile calls onto a failing service.
                    throw CredentialsUnavailableException.For(_lastFailure);
                }

                started = new TaskCompletionSource<StorageCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
                _inflight = started.Task;
            }

            fetch = _inflight;
        }

        if (started is not null)
        {
            _ = RunFetchAsync(started);
        }

        try
        {
            return await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ObjectDisposedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // One exception per caller: the shared fetch's own exception is not rethrown from many threads at once.
            throw CredentialsUnavailableException.For(ex);
        }
    }

    private void OnTimer()
    {
        TaskCompletionSource<StorageCredentials> started;
        lock (_lock)
        {
            if (_disposed || _inflight is not null)
            {
                return;
            }

            started = new TaskCompletionSource<StorageCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inflight = started.Task;
        }

        _ = RunFetchAsync(started);
    }

    // Every outcome settles the state, the timer and the waiters before the Refreshed handlers run; an exception from a
    // handler can only fault this discarded task.
    private async Task RunFetchAsync(TaskCompletionSource<StorageCredentials> completion)
    {
        StorageCredentials? credentials = null;
        Exception? failure = null;
        try
        {
            credentials = await _source.FetchAsync(_stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (credentials is not null)
        {
            failure = credentials.Expiration is not { } expiry ? new InvalidOperationException(NoExpiryMessage)
                : expiry - _settings.ExpiryMargin <= now ? new InvalidOperationException(TooShortMessage)
                : null;
        }

        CredentialRefreshOutcome? outcome = null;
        lock (_lock)
        {
            _inflight = null;
            if (_disposed)
            {
                // Disposed while fetching: nothing is stored, scheduled or reported any more. (Under the lock, the
                // timer is changed only before Dispose has disposed it.)
            }
            else if (failure is null)
            {
                DateTimeOffset expiration = credentials!.Expiration!.Value;
                _current = new CachedCredentials(credentials, expiration - _settings.ExpiryMargin);
                _consecutiveFailures = 0;
                _lastFailure = null;
                _retryNotBefore = DateTimeOffset.MinValue;
                DateTimeOffset refreshAt = expiration - _settings.RefreshAheadFor(expiration - now);
                _timer.Change(refreshAt - now, Timeout.InfiniteTimeSpan);
                outcome = new CredentialRefreshOutcome
                {
                    Succeeded = true,
                    SourceKind = _source.Kind,
                    Expiration = expiration,
                    NextAttemptAt = refreshAt,
                };
            }
            else
            {
                int failures = ++_consecutiveFailures;
                TimeSpan retryIn = Jitter(_settings.RetryDelayFor(failures));
                _retryNotBefore = now + retryIn;
                _timer.Change(retryIn, Timeout.InfiniteTimeSpan);
                _lastFailure = failure;
                var sts = failure as StsException;
                outcome = new CredentialRefreshOutcome
                {
                    Succeeded = false,
                    SourceKind = _source.Kind,
                    ErrorCode = sts?.ErrorCode,
                    IsTransient = sts?.IsTransient ?? false,
                    ConsecutiveFailures = failures,
                    NextAttemptAt = _retryNotBefore,
                    Error = failure,
                };
            }
        }

        if (outcome is null)
        {
            _ = failure is null
                ? completion.TrySetResult(credentials!)
                : completion.TrySetException(new ObjectDisposedException(nameof(RefreshingCredentialsProvider)));
            return;
        }

        _ = failure is null ? completion.TrySetResult(credentials!) : completion.TrySetException(failure);
        Refreshed?.Invoke(outcome);
    }

    // "Equal jitter": a delay drawn from the upper half, so retries from many gateways spread out but never come sooner
    // than half the backoff, and never sooner than MinRetryDelay.
    private TimeSpan Jitter(TimeSpan delay)
    {
        long half = delay.Ticks / 2;
        long ticks = half + Random.Shared.NextInt64(delay.Ticks - half + 1);
        return TimeSpan.FromTicks(Math.Max(ticks, _settings.MinRetryDelay.Ticks));
    }

    /// <summary>Credentials with the instant they stop being handed out (their expiry less the margin).</summary>
    private sealed class CachedCredentials(StorageCredentials credentials, DateTimeOffset validUntil)
    {
        private readonly long _validUntilTicks = validUntil.UtcTicks;

        public StorageCredentials Credentials { get; } = credentials;

        public bool IsValidAt(DateTimeOffset now) => now.UtcTicks < _validUntilTicks;
    }
}
