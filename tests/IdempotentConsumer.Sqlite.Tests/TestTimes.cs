using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>Requests at a fixed instant, so tests never depend on the wall clock.</summary>
internal static class TestTimes
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string NewOwner() => Guid.NewGuid().ToString("N");

    public static string NewKey() => $"test#{Guid.NewGuid():N}";

    public static BeginRequest Begin(string key, string owner, TimeSpan at = default, TimeSpan? lease = null) =>
        new(key, owner, T0 + at, T0 + at + TimeSpan.FromHours(1), T0 + at + (lease ?? TimeSpan.FromMinutes(5)), null);

    public static CompleteRequest Complete(string key, string owner, string? response) =>
        new(key, owner, T0 + TimeSpan.FromHours(1), response, null);
}
