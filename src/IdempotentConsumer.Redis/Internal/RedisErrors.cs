using IdempotentConsumer.Exceptions;
using StackExchange.Redis;

namespace IdempotentConsumer.Redis.Internal;

/// <summary>Turns what StackExchange.Redis throws into the store contract's typed errors.</summary>
internal static class RedisErrors
{
    // Server replies that describe a passing state of the server or cluster: trying again later can succeed.
    private static readonly string[] TransientServerErrors =
        ["LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "OOM", "NOREPLICAS", "MOVED", "ASK", "NOSCRIPT"];

    /// <summary>True for failures of Redis, the connection or the request. A cancellation the caller asked for is not one.</summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RedisException => true,
        TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// The typed error for a failed call: connection failures, timeouts and passing server states are
    /// <see cref="IdempotencyPersistenceException"/> (transient); a key holding another Redis type is
    /// <see cref="IdempotencyCorruptRecordException"/>; a script the server refuses to run (scripting disabled, an ACL
    /// without EVAL/EVALSHA, a proxy without scripts) or a command the client rejects is
    /// <see cref="IdempotencyConfigurationException"/>, since retrying cannot fix it.
    /// </summary>
    public static IdempotencyException Translate(Exception cause, string operation, string? redisKey)
    {
        var target = redisKey is null ? "Redis" : $"Redis key '{redisKey}'";
        switch (cause)
        {
            case RedisServerException server when server.Message.Contains("WRONGTYPE", StringComparison.Ordinal):
                return new IdempotencyCorruptRecordException(
                    $"Cannot {operation} {target}: the key holds a value that is not a hash, so it is not an idempotency record. Another writer uses the same key prefix; give the store its own RedisIdempotencyStoreOptions.KeyPrefix. ({server.Message})",
                    server);
            case RedisServerException server when IsTransientServerError(server.Message):
                return new IdempotencyPersistenceException($"Redis could not {operation} {target} right now: {server.Message}", server);
            case RedisServerException server:
                return new IdempotencyConfigurationException(
                    $"Redis refused to {operation} {target}: {server.Message}. The store runs Lua scripts (EVAL/EVALSHA) on one key: the server, its ACL or a proxy in between must allow them.",
                    server);
            case RedisCommandException command:
                return new IdempotencyConfigurationException($"StackExchange.Redis rejected the command to {operation} {target}: {command.Message}", command);
            default:
                return new IdempotencyPersistenceException($"Redis failed to {operation} {target}: {cause.GetType().Name}: {cause.Message}", cause);
        }
    }

    private static bool IsTransientServerError(string message)
    {
        foreach (var prefix in TransientServerErrors)
        {
            if (message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
