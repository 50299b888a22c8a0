using System.Collections.Concurrent;
using StackExchange.Redis;

namespace IdempotentConsumer.Redis.Tests.Support;

/// <summary>
/// One multiplexer per server for the whole run, as an application shares one. It allows admin commands, so tests can
/// look at TTLs and flush the script cache through the same connection the store uses.
/// </summary>
internal static class RedisConnections
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> Shared = new(StringComparer.Ordinal);

    public static Task<ConnectionMultiplexer> SharedAsync(string connectionString) =>
        Shared.GetOrAdd(connectionString, cs => new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(cs))).Value;

    public static Task<ConnectionMultiplexer> ConnectAsync(string connectionString) =>
        ConnectionMultiplexer.ConnectAsync($"{connectionString},allowAdmin=true");
}
