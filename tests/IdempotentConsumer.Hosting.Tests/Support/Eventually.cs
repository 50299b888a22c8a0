using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>Waits (in real time, bounded) for a condition that background loops make true.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met in time{(because is null ? "" : ": " + because)}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Waits for a condition that needs a call (to the emulator) to check, without blocking a thread.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met in time{(because is null ? "" : ": " + because)}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Moves a fake clock forward in small steps until the condition holds, so timers registered late still fire.</summary>
    public static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition, TimeSpan? maxFakeTime = null, string? because = null)
    {
        var limit = time.GetUtcNow() + (maxFakeTime ?? TimeSpan.FromMinutes(5));
        var realDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (time.GetUtcNow() > limit || DateTime.UtcNow > realDeadline)
            {
                throw new TimeoutException($"Condition not met while advancing the clock{(because is null ? "" : ": " + because)}.");
            }

            time.Advance(step);
            await Task.Delay(2);
        }
    }

    /// <summary>Gives background loops real time to do something they should not do.</summary>
    public static Task SettleAsync() => Task.Delay(150);
}
