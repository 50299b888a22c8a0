using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BitFaster.Caching.Lru;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdempotentConsumer.Execution;

/// <summary>
/// Makes any function idempotent per key: the state machine of docs/semantics.md. One executor serves one
/// consumer (one key prefix); it is thread-safe and meant to be shared.
/// </summary>
public sealed partial class IdempotencyExecutor
{
    /// <summary>
    /// How many times a begin that failed with a (transient) persistence error is tried again, with the same owner
    /// token: its write may have landed with only the reply lost, and the retry then finds its own record.
    /// </summary>
    internal const int BeginRetriesAfterPersistenceFailure = 1;

    private readonly IIdempotencyStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IdempotencyKeyFactory _keys;
    private readonly ConcurrentLru<string, IdempotencyRecord>? _cache;
    private readonly bool _disabled;

    // The serializer metadata of each result type, checked once: a type the serializer cannot handle fails before
    // the store is touched and before any handler runs, not after the side effect.
    private readonly ConcurrentDictionary<Type, JsonTypeInfo> _resultTypes = new();

    /// <summary>Creates an executor over a store.</summary>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid.</exception>
    public IdempotencyExecutor(IIdempotencyStore store, IdempotencyOptions options, TimeProvider? timeProvider = null, ILogger<IdempotencyExecutor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _store = store;
        Options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _keys = new IdempotencyKeyFactory(options);
        _cache = options.UseLocalCache ? new ConcurrentLru<string, IdempotencyRecord>(options.LocalCacheMaxItems) : null;
        _disabled = options.Disabled || IdempotencyKillSwitch.IsSetInEnvironment();
    }

    /// <summary>The options this executor was built with.</summary>
    public IdempotencyOptions Options { get; }

    /// <summary>The store holding the records.</summary>
    public IIdempotencyStore Store => _store;

    /// <summary>True when idempotency is off (options or environment kill switch): handlers always run, the store is never called.</summary>
    public bool IsDisabled => _disabled;

    /// <summary>
    /// Computes the full key the executor would use for a payload, or returns false when the payload has none.
    /// Adapters use it for batch pre-checks with <see cref="IIdempotencyStore.GetManyAsync"/>.
    /// </summary>
    public bool TryGetKey<TPayload>(in IdempotencyInvocation<TPayload> invocation, out string key) => _keys.TryCreateKey(invocation, out key);

    /// <summary>Runs <paramref name="handler"/> once per key: the equivalent of Powertools' idempotent function.</summary>
    /// <exception cref="IdempotencyResponseNotStoredException">
    /// The handler ran (now or before) but its result could not be stored; on the run itself the exception carries the result.
    /// </exception>
    public ValueTask<TResult> ExecuteAsync<TPayload, TResult>(TPayload payload, Func<TPayload, CancellationToken, ValueTask<TResult>> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return ValueOf(ExecuteAsync(
            new IdempotencyInvocation<TPayload>(payload),
            handler,
            static (call, ct) => call.State(call.Payload, ct),
            cancellationToken));
    }

    /// <summary>
    /// Runs a synchronous handler once per key. The handler runs inline; only the store calls are asynchronous.
    /// </summary>
    /// <exception cref="IdempotencyResponseNotStoredException">
    /// The handler ran (now or before) but its result could not be stored; on the run itself the exception carries the result.
    /// </exception>
    public ValueTask<TResult> ExecuteAsync<TPayload, TResult>(TPayload payload, Func<TPayload, TResult> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return ValueOf(ExecuteAsync(
            new IdempotencyInvocation<TPayload>(payload),
            handler,
            static (call, _) => ValueTask.FromResult(call.State(call.Payload)),
            cancellationToken));
    }

    // Unwraps the outcome without an async layer when the call completed synchronously (cache hits, in-memory stores).
    private static ValueTask<TResult> ValueOf<TResult>(ValueTask<IdempotencyOutcome<TResult>> pending)
    {
        return pending.IsCompletedSuccessfully ? new ValueTask<TResult>(ValueOf(pending.Result)) : AwaitValue(pending);

        static async ValueTask<TResult> AwaitValue(ValueTask<IdempotencyOutcome<TResult>> pending) =>
            ValueOf(await pending.ConfigureAwait(false));
    }

    // These overloads return only a value, and a key completed without a response has none to return.
    private static TResult ValueOf<TResult>(in IdempotencyOutcome<TResult> outcome) =>
        outcome.Kind == IdempotencyOutcomeKind.CompletedWithoutResponse
            ? throw new IdempotencyResponseNotStoredException(
                $"Idempotency key '{outcome.Key}' was already handled, but its response was not stored, so there is no result to return.",
                innerException: null)
            : outcome.Value;

    /// <summary>
    /// The full form: takes adapter-supplied lease and key material, passes caller state without a closure,
    /// hands the lease to the handler, and reports whether the result was executed or replayed.
    /// </summary>
    /// <exception cref="IdempotencyAlreadyInProgressException">
    /// Another attempt holds the key's lease (after waiting up to <see cref="IdempotencyOptions.InProgressWaitTimeout"/>, when set).
    /// </exception>
    /// <exception cref="IdempotencyValidationException">The payload does not match the completed record's hash.</exception>
    /// <exception cref="IdempotencyKeyMissingException">No key and <see cref="IdempotencyOptions.ThrowOnMissingKey"/> is set.</exception>
    /// <exception cref="IdempotencyPersistenceException">The store failed.</exception>
    /// <exception cref="IdempotencyInconsistentStateException">The begin kept losing to a record that was not there.</exception>
    /// <exception cref="IdempotencyConfigurationException">
    /// <typeparamref name="TResult"/> cannot be serialized with <see cref="IdempotencyOptions.SerializerOptions"/>
    /// (raised before the store is called and before the handler runs).
    /// </exception>
    /// <exception cref="IdempotencyResponseNotStoredException">
    /// The handler ran and the key is completed, but the result could not be stored (too large for the store, or the
    /// serializer failed on it); the exception carries the result. Later duplicates get
    /// <see cref="IdempotencyOutcomeKind.CompletedWithoutResponse"/>.
    /// </exception>
    public async ValueTask<IdempotencyOutcome<TResult>> ExecuteAsync<TPayload, TState, TResult>(
        IdempotencyInvocation<TPayload> invocation,
        TState state,
        Func<IdempotentCall<TPayload, TState>, CancellationToken, ValueTask<TResult>> handler,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_disabled)
        {
            return await RunUnguardedAsync(invocation, state, handler, cancellationToken).ConfigureAwait(false);
        }

        if (!_keys.TryCreateKey(invocation, out var key))
        {
            if (Options.ThrowOnMissingKey)
            {
                throw new IdempotencyKeyMissingException($"No idempotency key found in the payload for consumer '{Options.KeyPrefix}', and a key is required.");
            }

            LogKeyMissing(_logger, Options.KeyPrefix);
            return await RunUnguardedAsync(invocation, state, handler, cancellationToken).ConfigureAwait(false);
        }

        var resultType = ResultTypeInfo<TResult>();
        using var activity = IdempotencyTelemetry.ActivitySource.StartActivity("idempotency.execute");
        activity?.SetTag("idempotency.key", key);
        var validationHash = _keys.CreateValidationHash(invocation);

        if (_cache is not null && _cache.TryGet(key, out var cached))
        {
            if (!cached.IsExpired(_timeProvider.GetUtcNow()))
            {
                IdempotencyTelemetry.CacheHits.Add(1);
                return Replay(cached, validationHash, resultType, activity);
            }

            _cache.TryRemove(key);
        }

        if (invocation.KnownRecord is { Status: IdempotencyRecordStatus.Completed } known
            && string.Equals(known.Key, key, StringComparison.Ordinal)
            && !known.IsExpired(_timeProvider.GetUtcNow()))
        {
            // A completed record never goes back to in progress before it expires: the caller's read still holds.
            IdempotencyTelemetry.PrecheckHits.Add(1);
            _cache?.AddOrUpdate(key, known);
            return Replay(known, validationHash, resultType, activity);
        }

        var lease = invocation.LeaseDuration ?? Options.InProgressLease;
        var ownLeaseEnd = _timeProvider.GetUtcNow() + lease;
        InProgressWait? wait = null;
        for (var attempt = 1; ; attempt++)
        {
            var now = _timeProvider.GetUtcNow();

            // After a wait, a take-over keeps the lease this call was given (in Lambda, the invocation's deadline): the
            // time spent waiting came out of it.
            var leaseEnd = wait is null ? now + lease : ownLeaseEnd;
            var recordExpiry = now + Options.RecordExpiry;

            // While in progress the record must outlive its lease, or an expiry check or a cleanup (TTL, purge,
            // sweep) could hand the key to a duplicate while this handler still runs.
            var request = new BeginRequest(key, OwnerToken.New(), now, recordExpiry >= leaseEnd ? recordExpiry : leaseEnd, leaseEnd, validationHash);
            var begin = await BeginAsync(request, cancellationToken).ConfigureAwait(false);

            if (begin.Acquired)
            {
                if (wait is not null)
                {
                    EndWait(wait, key, "took_over", activity);
                }

                var heldLease = new IdempotencyLease(_store, _timeProvider, key, request.OwnerToken, leaseEnd, request.ExpiresAt);
                return await RunGuardedAsync(invocation, state, handler, heldLease, validationHash, resultType, activity, cancellationToken).ConfigureAwait(false);
            }

            var existing = begin.Existing;
            if (existing is not null && !existing.IsExpired(now) && !existing.IsLeaseExpired(now))
            {
                if (existing.Status == IdempotencyRecordStatus.Completed)
                {
                    if (wait is not null)
                    {
                        // Another contender took the vacated key over and finished while this waiter's begin was under way.
                        EndWait(wait, key, "replayed", activity);
                    }

                    _cache?.AddOrUpdate(key, existing);
                    return Replay(existing, validationHash, resultType, activity);
                }

                if (existing.Status != IdempotencyRecordStatus.InProgress)
                {
                    // Only a custom store can hand back a status outside the enum; never guess what it means.
                    throw new IdempotencyCorruptRecordException($"Idempotency key '{key}': the store returned a record with unknown status {(int)existing.Status}.");
                }

                wait ??= StartWait(now, ownLeaseEnd);
                if (wait is null)
                {
                    throw InProgressElsewhere(key, existing, activity);
                }

                WaitEnd end;
                IdempotencyRecord last;
                try
                {
                    (end, last) = await WaitForOriginalAsync(key, existing, wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    EndWait(wait, key, "cancelled", activity);
                    throw;
                }

                if (end == WaitEnd.Completed)
                {
                    EndWait(wait, key, "replayed", activity);
                    _cache?.AddOrUpdate(key, last);
                    return Replay(last, validationHash, resultType, activity);
                }

                if (end == WaitEnd.TimedOut || _timeProvider.GetUtcNow() >= ownLeaseEnd)
                {
                    EndWait(wait, key, "timed_out", activity);
                    throw InProgressElsewhere(key, last, activity);
                }

                // Vacated: the normal begin decides, against every other contender. A fresh contest, so the count of
                // begins lost to a vanished record starts again.
                attempt = 0;
                continue;
            }

            // Lost the write yet found nothing that should block it: the record vanished or expired in between.
            if (attempt >= Options.MaxInconsistentStateAttempts)
            {
                throw new IdempotencyInconsistentStateException(
                    $"Idempotency key '{key}': the store refused the record {attempt} times but held no blocking record.");
            }

            LogInconsistentState(_logger, key, attempt);
        }
    }

    // A begin whose write landed but whose reply was lost (an SDK retry of the conditional write, or a retry here
    // after a persistence error) finds its own record: the owner token, drawn fresh for this attempt, proves it ours.
    private async ValueTask<BeginResult> BeginAsync(BeginRequest request, CancellationToken cancellationToken)
    {
        BeginResult begin;
        for (var retry = 0; ; retry++)
        {
            try
            {
                begin = await StoreCalls.BeginAsync(_store, request, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (IdempotencyPersistenceException failure) when (retry < BeginRetriesAfterPersistenceFailure)
            {
                LogBeginRetried(_logger, failure, request.Key);
            }
            catch (Exception failure) when (failure is IdempotencyPersistenceException or OperationCanceledException)
            {
                await ReleaseUnansweredBeginAsync(request, failure).ConfigureAwait(false);
                throw;
            }
        }

        return !begin.Acquired
            && begin.Existing is { Status: IdempotencyRecordStatus.InProgress } existing
            && string.Equals(existing.OwnerToken, request.OwnerToken, StringComparison.Ordinal)
            ? BeginResult.Won()
            : begin;
    }

    // The last begin's write may have landed with its reply lost: left alone, that record would hold the key for a
    // whole lease with no handler behind it, and every redelivery meanwhile would burn a receive on "in progress
    // elsewhere" (a small redrive budget dead-letters the message). No handler ran under this token, so releasing it
    // is always safe; the store refuses the release for any other owner, and a record that is not there is fine.
    private async ValueTask ReleaseUnansweredBeginAsync(BeginRequest request, Exception beginError)
    {
        try
        {
            await StoreCalls.ReleaseAsync(_store, request.Key, request.OwnerToken, CancellationToken.None).ConfigureAwait(false);
            IdempotencyTelemetry.UnansweredBeginsReleased.Add(1);
        }
        catch (IdempotencyStaleOwnerException)
        {
            // Nothing of ours landed.
        }
        catch (IdempotencyException releaseError)
        {
            LogReleaseFailed(_logger, releaseError, request.Key, beginError.GetType().Name);
        }
    }

    private async ValueTask<IdempotencyOutcome<TResult>> RunGuardedAsync<TPayload, TState, TResult>(
        IdempotencyInvocation<TPayload> invocation,
        TState state,
        Func<IdempotentCall<TPayload, TState>, CancellationToken, ValueTask<TResult>> handler,
        IdempotencyLease lease,
        string? validationHash,
        JsonTypeInfo<TResult> resultType,
        Activity? activity,
        CancellationToken cancellationToken)
    {
        TResult result;
        try
        {
            result = await handler(new IdempotentCall<TPayload, TState>(invocation.Payload, state, lease), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception handlerError)
        {
            activity?.SetStatus(ActivityStatusCode.Error, handlerError.GetType().Name);
            activity?.SetTag("idempotency.outcome", "released");
            await ReleaseAfterFailureAsync(lease, handlerError).ConfigureAwait(false);
            throw;
        }

        // From here on the side effect has happened: a cancelled caller must not leave the record IN_PROGRESS
        // (which would let the next delivery run it again once the lease lapses), so completion ignores the token.
        // For the same reason a response that cannot be stored still completes the key, only without the response.
        var expiresAt = _timeProvider.GetUtcNow() + Options.RecordExpiry;
        var notStoredBecause = TrySerializeResponse(result, resultType, out var responseData);
        if (notStoredBecause is null)
        {
            try
            {
                await StoreCalls.CompleteAsync(
                    _store,
                    new CompleteRequest(lease.Key, lease.OwnerToken, expiresAt, responseData, validationHash),
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (IdempotencyRecordTooLargeException tooLarge)
            {
                notStoredBecause = tooLarge;
            }
        }

        if (notStoredBecause is not null)
        {
            await StoreCalls.CompleteAsync(
                _store,
                new CompleteRequest(lease.Key, lease.OwnerToken, expiresAt, null, validationHash) { ResponseNotStored = true },
                CancellationToken.None).ConfigureAwait(false);
            CacheCompleted(lease, expiresAt, validationHash, responseData: null, responseNotStored: true);
            IdempotencyTelemetry.Executions.Add(1);
            activity?.SetTag("idempotency.outcome", "executed_response_not_stored");
            throw new IdempotencyResponseNotStoredException(
                $"Idempotency key '{lease.Key}': the handler ran and the key is completed, but its {typeof(TResult).Name} response could not be stored ({notStoredBecause.Message}); duplicates are acknowledged without a response.",
                notStoredBecause,
                result);
        }

        CacheCompleted(lease, expiresAt, validationHash, responseData, responseNotStored: false);
        IdempotencyTelemetry.Executions.Add(1);
        activity?.SetTag("idempotency.outcome", "executed");
        return new IdempotencyOutcome<TResult>(result, IdempotencyOutcomeKind.Executed, lease.Key);
    }

    private void CacheCompleted(IdempotencyLease lease, DateTimeOffset expiresAt, string? validationHash, string? responseData, bool responseNotStored) =>
        _cache?.AddOrUpdate(lease.Key, new IdempotencyRecord
        {
            Key = lease.Key,
            Status = IdempotencyRecordStatus.Completed,
            ExpiresAt = expiresAt,
            PayloadHash = validationHash,
            ResponseData = responseData,
            ResponseNotStored = responseNotStored,
            OwnerToken = lease.OwnerToken,
        });

    private async ValueTask ReleaseAfterFailureAsync(IdempotencyLease lease, Exception handlerError)
    {
        try
        {
            // The caller's token may be what cancelled the handler; the release must still happen.
            await StoreCalls.ReleaseAsync(_store, lease.Key, lease.OwnerToken, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IdempotencyException releaseError)
        {
            // The original failure matters more; the record stays IN_PROGRESS until its lease lapses.
            LogReleaseFailed(_logger, releaseError, lease.Key, handlerError.GetType().Name);
        }
    }

    private async ValueTask<IdempotencyOutcome<TResult>> RunUnguardedAsync<TPayload, TState, TResult>(
        IdempotencyInvocation<TPayload> invocation,
        TState state,
        Func<IdempotentCall<TPayload, TState>, CancellationToken, ValueTask<TResult>> handler,
        CancellationToken cancellationToken)
    {
        IdempotencyTelemetry.Unguarded.Add(1);
        var result = await handler(new IdempotentCall<TPayload, TState>(invocation.Payload, state, null), cancellationToken).ConfigureAwait(false);
        return new IdempotencyOutcome<TResult>(result, IdempotencyOutcomeKind.Unguarded, null);
    }

    private IdempotencyOutcome<TResult> Replay<TResult>(IdempotencyRecord record, string? validationHash, JsonTypeInfo<TResult> resultType, Activity? activity)
    {
        if (validationHash is not null && !string.Equals(validationHash, record.PayloadHash, StringComparison.Ordinal))
        {
            IdempotencyTelemetry.ValidationFailures.Add(1);
            activity?.SetTag("idempotency.outcome", "validation_failed");
            throw new IdempotencyValidationException(
                $"Idempotency key '{record.Key}': the payload differs from the one that completed it (validation hash mismatch).");
        }

        if (record.ResponseNotStored)
        {
            // The handler ran once; its response is gone, but running it again would repeat the side effect.
            IdempotencyTelemetry.Replays.Add(1);
            activity?.SetTag("idempotency.outcome", "completed_without_response");
            return new IdempotencyOutcome<TResult>(default!, IdempotencyOutcomeKind.CompletedWithoutResponse, record.Key);
        }

        var value = DeserializeResponse(record, resultType);
        if (Options.ResponseHook is { } hook)
        {
            value = (TResult)hook(value, record)!;
        }

        IdempotencyTelemetry.Replays.Add(1);
        activity?.SetTag("idempotency.outcome", "replayed");
        return new IdempotencyOutcome<TResult>(value, IdempotencyOutcomeKind.Replayed, record.Key);
    }

    private JsonTypeInfo<TResult> ResultTypeInfo<TResult>()
    {
        if (_resultTypes.TryGetValue(typeof(TResult), out var known))
        {
            return (JsonTypeInfo<TResult>)known;
        }

        JsonTypeInfo info;
        try
        {
            info = Options.SerializerOptions.GetTypeInfo(typeof(TResult));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            throw new IdempotencyConfigurationException(
                $"Consumer '{Options.KeyPrefix}': the handler's result type {typeof(TResult).FullName} cannot be serialized with IdempotencyOptions.SerializerOptions (add it to the JsonSerializerContext). Nothing was run.", ex);
        }

        _resultTypes.TryAdd(typeof(TResult), info);
        return (JsonTypeInfo<TResult>)info;
    }

    // Returns why the value cannot be stored, or null with the serialized response.
    private static Exception? TrySerializeResponse<TResult>(TResult result, JsonTypeInfo<TResult> resultType, out string? responseData)
    {
        responseData = null;
        if (result is null)
        {
            return null;
        }

        try
        {
            responseData = JsonSerializer.Serialize(result, resultType);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // Custom converters may throw anything; whatever it is, the side effect has already run.
            return ex;
        }
    }

    private static TResult DeserializeResponse<TResult>(IdempotencyRecord record, JsonTypeInfo<TResult> resultType)
    {
        if (record.ResponseData is null)
        {
            return default!;
        }

        try
        {
            return JsonSerializer.Deserialize(record.ResponseData, resultType)!;
        }
        catch (NotSupportedException ex)
        {
            throw new IdempotencyConfigurationException(
                $"Idempotency key '{record.Key}': {typeof(TResult).Name} cannot be deserialized with IdempotencyOptions.SerializerOptions (add it to the JsonSerializerContext).", ex);
        }
        catch (JsonException ex)
        {
            throw new IdempotencyCorruptRecordException($"Idempotency key '{record.Key}': the stored response cannot be read as {typeof(TResult).Name}.", ex);
        }
    }

    private static void Validate(IdempotencyOptions options) => Validation.IdempotencyOptionsValidator.ThrowIfInvalid(options);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "No idempotency key in the payload for consumer {KeyPrefix}; running the handler without idempotency.")]
    private static partial void LogKeyMissing(ILogger logger, string keyPrefix);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Idempotency key {Key}: begin lost to a record that is not there (attempt {Attempt}); retrying.")]
    private static partial void LogInconsistentState(ILogger logger, string key, int attempt);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Idempotency key {Key}: begin failed; retrying once with the same owner token (its write may have landed with only the reply lost).")]
    private static partial void LogBeginRetried(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Idempotency key {Key}: releasing the record after a {HandlerError} failed; it stays in progress until its lease lapses.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string key, string handlerError);
}
