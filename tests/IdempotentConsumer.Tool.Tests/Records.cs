using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Tool.Tests;

/// <summary>Puts records in each state into a store through its ordinary consumer interface.</summary>
internal static class Records
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static async Task<string> CompletedAsync(IIdempotencyStore store, string key, string response = """{"shipped":true}""")
    {
        await BeginAsync(store, key, "owner-done", Now.AddHours(1), Now.AddMinutes(5));
        await store.CompleteAsync(new CompleteRequest(key, "owner-done", Now.AddHours(1), response, null));
        return key;
    }

    /// <summary>In progress under a live lease: a handler is running.</summary>
    public static Task<string> RunningAsync(IIdempotencyStore store, string key) =>
        BeginAsync(store, key, "owner-running", Now.AddHours(1), Now.AddMinutes(10));

    /// <summary>In progress, lease lapsed a minute ago, record not expired: the handler died.</summary>
    public static Task<string> StuckAsync(IIdempotencyStore store, string key) =>
        BeginAsync(store, key, "owner-dead", Now.AddHours(1), Now.AddMinutes(-1), at: Now.AddMinutes(-6));

    /// <summary>Completed long ago; its expiry has passed.</summary>
    public static async Task<string> ExpiredAsync(IIdempotencyStore store, string key)
    {
        var then = Now.AddHours(-3);
        await BeginAsync(store, key, "owner-old", then.AddHours(1), then.AddMinutes(5), at: then);
        await store.CompleteAsync(new CompleteRequest(key, "owner-old", then.AddHours(1), "null", null));
        return key;
    }

    public static async Task<IdempotencyRecord?> GetAsync(IIdempotencyStore store, string key) => await store.GetAsync(key);

    private static async Task<string> BeginAsync(IIdempotencyStore store, string key, string owner, DateTimeOffset expires, DateTimeOffset lease, DateTimeOffset? at = null)
    {
        var begun = await store.TryBeginAsync(new BeginRequest(key, owner, at ?? Now, expires, lease, null));
        if (!begun.Acquired)
        {
            throw new InvalidOperationException($"Test setup: '{key}' was taken.");
        }

        return key;
    }
}
