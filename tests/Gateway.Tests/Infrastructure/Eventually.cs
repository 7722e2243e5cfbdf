using System.Diagnostics;

namespace Gateway.Tests.Infrastructure;

/// <summary>Waits, polling, for what the gateway does in the background: a reload, an export, a key refresh.</summary>
internal static class Eventually
{
    /// <summary>Generous, because the machine is shared; a condition that holds returns at once.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Timeout)
            {
                Assert.Fail($"{failure} (waited {Timeout.TotalSeconds:0} s)");
            }

            await Task.Delay(Poll);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string failure) => HoldsAsync(() => Task.FromResult(condition()), failure);
}
