using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Redis;

/// <summary>
/// The one connection to Redis, opened at start-up when <c>Gateway:Redis:Configuration</c> is set and reconnected by
/// StackExchange.Redis in the background. It never stops the gateway from starting or serving: while it is down,
/// <see cref="TryGetDatabase"/> says so at once, and commands fail fast instead of queueing.
/// </summary>
internal sealed class RedisConnection(IOptions<RedisOptions> options) : IHostedService, IAsyncDisposable
{
    private readonly RedisOptions _options = options.Value;
    private readonly object _gate = new();
    private Task<ConnectionMultiplexer>? _connecting;

    /// <summary>True when Redis is configured.</summary>
    public bool IsEnabled => _options.IsEnabled;

    /// <summary>The prefix of every key the gateway writes.</summary>
    public string KeyPrefix => _options.KeyPrefix;

    /// <summary>True while the connection is up.</summary>
    public bool IsConnected => Multiplexer is { IsConnected: true };

    private ConnectionMultiplexer? Multiplexer => _connecting is { IsCompletedSuccessfully: true } connecting ? connecting.Result : null;

    /// <summary>The database, when the connection is up; never waits.</summary>
    public bool TryGetDatabase(out IDatabase database)
    {
        if (Multiplexer is { IsConnected: true } multiplexer)
        {
            database = multiplexer.GetDatabase();
            return true;
        }

        database = null!;
        return false;
    }

    /// <summary>
    /// The database for callers that may wait (the Data Protection key ring, read rarely and off the download path):
    /// connects first if start-up has not.
    /// </summary>
    public IDatabase GetDatabase() => Connect().GetAwaiter().GetResult().GetDatabase();

    /// <summary>Starts connecting, and waits for the first attempt (bounded by the connect timeout), so limits are shared from the first request.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsEnabled)
        {
            await Connect().WaitAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_connecting is { } connecting)
        {
            try
            {
                await (await connecting).DisposeAsync();
            }
            catch (RedisException)
            {
                // Never connected: nothing to close.
            }
        }
    }

    private Task<ConnectionMultiplexer> Connect()
    {
        lock (_gate)
        {
            return _connecting ??= ConnectionMultiplexer.ConnectAsync(Settings(_options));
        }
    }

    /// <summary>The configured string, made safe for a gateway: keep retrying in the background, fail fast while disconnected.</summary>
    public static ConfigurationOptions Settings(RedisOptions options)
    {
        var settings = ConfigurationOptions.Parse(options.Configuration!);
        settings.AbortOnConnectFail = false;
        settings.BacklogPolicy = BacklogPolicy.FailFast;
        settings.ReconnectRetryPolicy = new LinearRetry(500);
        settings.ClientName ??= "object-storage-gateway";
        return settings;
    }
}
