using Microsoft.Extensions.Time.Testing;

namespace Gateway.Signing.Tests.Credentials;

/// <summary>A pinned clock whose timers never fire, so a test can reach states that only a late timer would leave.</summary>
internal sealed class InertTimerTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new InertTimer();

    private sealed class InertTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
