using System.Diagnostics;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Telemetry;

namespace IdempotentConsumer.Execution;

/// <summary>
/// Every store call the executor and the lease make: timed for the latency histogram (only while someone
/// listens), and with any non-idempotency failure (thrown synchronously or from the returned task) wrapped
/// as <see cref="IdempotencyPersistenceException"/>, so callers see one error family whatever the backend.
/// Calls that complete synchronously (the in-memory store, a local cache in a store) take no async machinery.
/// </summary>
internal static class StoreCalls
{
    public static ValueTask<BeginResult> BeginAsync(IIdempotencyStore store, BeginRequest request, CancellationToken cancellationToken)
    {
        var started = Start();
        ValueTask<BeginResult> pending;
        try
        {
            pending = store.TryBeginAsync(request, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            RecordLatency(Operation.Begin, started);
            return ValueTask.FromException<BeginResult>(Wrap("begin", request.Key, ex));
        }

        if (pending.IsCompletedSuccessfully)
        {
            RecordLatency(Operation.Begin, started);
            return pending;
        }

        return AwaitAsync(pending, "begin", request.Key, Operation.Begin, started);
    }

    public static ValueTask CompleteAsync(IIdempotencyStore store, CompleteRequest request, CancellationToken cancellationToken)
    {
        var started = Start();
        ValueTask pending;
        try
        {
            pending = store.CompleteAsync(request, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            RecordLatency(Operation.Complete, started);
            return ValueTask.FromException(Wrap("complete", request.Key, ex));
        }

        if (pending.IsCompletedSuccessfully)
        {
            RecordLatency(Operation.Complete, started);
            return pending;
        }

        return AwaitAsync(pending, "complete", request.Key, Operation.Complete, started);
    }

    public static async ValueTask ReleaseAsync(IIdempotencyStore store, string key, string ownerToken, CancellationToken cancellationToken)
    {
        var started = Start();
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

    public static async ValueTask ExtendLeaseAsync(IIdempotencyStore store, ExtendLeaseRequest request, CancellationToken cancellationToken)
    {
        var started = Start();
        try
        {
            await store.ExtendLeaseAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Wrap("extend", request.Key, ex);
        }
        finally
        {
            RecordLatency(Operation.Extend, started);
        }
    }

    public static async ValueTask<IdempotencyRecord?> GetAsync(IIdempotencyStore store, string key, CancellationToken cancellationToken)
    {
        var started = Start();
        try
        {
            return await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Wrap("get", key, ex);
        }
        finally
        {
            RecordLatency(Operation.Get, started);
        }
    }

    private static async ValueTask<T> AwaitAsync<T>(ValueTask<T> pending, string operation, string key, KeyValuePair<string, object?> tag, long started)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Wrap(operation, key, ex);
        }
        finally
        {
            RecordLatency(tag, started);
        }
    }

    private static async ValueTask AwaitAsync(ValueTask pending, string operation, string key, KeyValuePair<string, object?> tag, long started)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Wrap(operation, key, ex);
        }
        finally
        {
            RecordLatency(tag, started);
        }
    }

    // Idempotency errors are already typed by the store, and cancellation is the caller's own doing.
    private static bool IsStoreFailure(Exception ex) => ex is not IdempotencyException and not OperationCanceledException;

    private static IdempotencyPersistenceException Wrap(string operation, string key, Exception ex) =>
        new($"The idempotency store failed during {operation} of '{key}': {ex.Message}", ex);

    // No listener on the histogram: no timestamps either.
    private static long Start() => IdempotencyTelemetry.StoreDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    private static void RecordLatency(KeyValuePair<string, object?> operation, long started)
    {
        if (started != 0 && IdempotencyTelemetry.StoreDuration.Enabled)
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
        public static readonly KeyValuePair<string, object?> Get = new("operation", "get");
    }
}
