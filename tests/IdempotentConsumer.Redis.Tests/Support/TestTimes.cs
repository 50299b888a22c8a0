using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Redis.Tests.Support;

/// <summary>Requests at the current wall-clock time: Redis expires keys by its own clock, so tests stay close to it.</summary>
internal static class TestTimes
{
    public static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public static string NewKey() => $"redis-test#{Guid.NewGuid():N}";

    public static string NewOwner() => Guid.NewGuid().ToString("N");

    public static BeginRequest Begin(string key, string owner, DateTimeOffset now, TimeSpan expiresIn, TimeSpan leaseFor) =>
        new(key, owner, now, now + expiresIn, now + leaseFor, PayloadHash: null);
}
