using System.Diagnostics;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Telemetry;

namespace IdempotentConsumer.Execution;

/// <summary>
/// Every store call the executor and the lease make: timed for the latency histogram, and with any
/// non-idempotency failure (thrown synchronously or from the returned task) wrapped as
/// <see cref="IdempotencyPersistenceException"/>, so callers see one error family whatever the backend.
/// </summary>
internal static class StoreCalls
{
    public static async ValueTask<BeginResult> BeginAsync(IIdempotencyStore store, BeginRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await store.TryBeginAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Wrap("begin", request.Key, ex);
        }
        finally
        {
            RecordLatency(Operation.Begin, started);
        }
    }

    public static async ValueTask CompleteAsync(IIdempotencyStore store, CompleteRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await store.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Wrap("complete", request.Key, ex);
        }
        finally
        {
            RecordLatency(Operation.Complete, started);
        }
    }

    public static async ValueTask ReleaseAsync(IIdempotencyStore store, string key, string ownerToken, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await store.ReleaseAsync(key, ownerToken, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Wrap("release", key, ex);
        }
        finally
        {
            RecordLatency(Operation.Release, started);
        }
    }

    public static async ValueTask ExtendLeaseAsync(IIdempotencyStore store, string key, string ownerToken, DateTimeOffset inProgressExpiresAt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await store.ExtendLeaseAsync(key, ownerToken, inProgressExpiresAt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Wrap("extend", key, ex);
        }
        finally
        {
            RecordLatency(Operation.Extend, started);
        }
    }

    // Idempotency errors are already typed by the store, and cancellation is the caller's own doing.
    private static bool IsStoreFailure(Exception ex) => ex is not IdempotencyException and not OperationCanceledException;

    private static IdempotencyPersistenceException Wrap(string operation, string key, Exception ex) =>
        new($"The idempotency store failed during {operation} of '{key}': {ex.Message}", ex);

    private static void RecordLatency(KeyValuePair<string, object?> operation, long started)
    {
        if (IdempotencyTelemetry.StoreDuration.Enabled)
        {
            IdempotencyTelemetry.StoreDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, operation);
        }
    }

    // Tags built once: recording must not allocate a pair (and box the string) per call.
    private static class Operation
    {
        public static readonly KeyValuePair<string, object?> Begin = new("operation", "begin");
        public static readonly KeyValuePair<string, object?> Complete = new("operation", "complete");
        public static readonly KeyValuePair<string, object?> Release = new("operation", "release");
        public static readonly KeyValuePair<string, object?> Extend = new("operation", "extend");
    }
}
