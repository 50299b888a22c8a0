using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Telemetry;

namespace IdempotentConsumer.Execution;

/// <summary>The one-call path: no begin; the handler's writes and the COMPLETED record commit together.</summary>
public sealed partial class IdempotencyExecutor
{
    /// <summary>
    /// Runs <paramref name="handler"/> with no record written, then hands <paramref name="commit"/> the COMPLETED record
    /// to write together with the handler's own writes in one conditional call. A commit that loses replays the record
    /// that beat it (the handler's writes are discarded with the failed call); one that loses to a record gone by then
    /// runs the handler again. The handler must have no effect outside what it gives the commit.
    /// </summary>
    /// <param name="invocation">The payload and what the caller knows about it.</param>
    /// <param name="state">Caller state for the handler and the commit.</param>
    /// <param name="handler">Computes the result and collects its writes in <paramref name="state"/>; runs before the commit.</param>
    /// <param name="commit">Writes the record and the collected writes in one call: won, or lost with the blocking record.</param>
    /// <param name="cancellationToken">Cancels the handler and the commit.</param>
    internal async ValueTask<IdempotencyOutcome<TResult>> ExecuteInOneCallAsync<TPayload, TState, TResult>(
        IdempotencyInvocation<TPayload> invocation,
        TState state,
        Func<IdempotentCall<TPayload, TState>, CancellationToken, ValueTask<TResult>> handler,
        Func<OneCallCommit, TState, CancellationToken, ValueTask<BeginResult>> commit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(commit);
        string? key = null;
        if (!_disabled && !_keys.TryCreateKey(invocation, out key))
        {
            if (Options.ThrowOnMissingKey)
            {
                throw new IdempotencyKeyMissingException($"No idempotency key found in the payload for consumer '{Options.KeyPrefix}', and a key is required.");
            }

            LogKeyMissing(_logger, Options.KeyPrefix);
            key = null;
        }

        if (key is null)
        {
            IdempotencyTelemetry.Unguarded.Add(1);
            var unguarded = await handler(new IdempotentCall<TPayload, TState>(invocation.Payload, state, null), cancellationToken).ConfigureAwait(false);
            var now = _timeProvider.GetUtcNow();
            await commit(new OneCallCommit(null, OwnerToken.New(), now, now, null, null, false), state, cancellationToken).ConfigureAwait(false);
            return new IdempotencyOutcome<TResult>(unguarded, IdempotencyOutcomeKind.Unguarded, null);
        }

        var resultType = ResultTypeInfo<TResult>();
        using var activity = IdempotencyTelemetry.ActivitySource.StartActivity("idempotency.execute_one_call");
        activity?.SetTag("idempotency.key", key);
        var validationHash = _keys.CreateValidationHash(invocation);
        var known = invocation.KnownRecord is { Key: var knownKey } record && string.Equals(knownKey, key, StringComparison.Ordinal) ? record : null;
        if (known is null && _cache is not null && _cache.TryGet(key, out var cached))
        {
            known = cached;
            IdempotencyTelemetry.CacheHits.Add(1);
        }

        if (known is { Status: IdempotencyRecordStatus.Completed } && !known.IsExpired(_timeProvider.GetUtcNow()))
        {
            return Replay(known, validationHash, resultType, activity);
        }

        for (var attempt = 1; ; attempt++)
        {
            var result = await handler(new IdempotentCall<TPayload, TState>(invocation.Payload, state, null), cancellationToken).ConfigureAwait(false);
            var now = _timeProvider.GetUtcNow();
            var notStoredBecause = TrySerializeResponse(result, resultType, out var responseData);
            var request = new OneCallCommit(key, OwnerToken.New(), now, now + Options.RecordExpiry, notStoredBecause is null ? responseData : null, validationHash, notStoredBecause is not null);
            BeginResult committed;
            try
            {
                committed = await CommitAsync(commit, request, state, cancellationToken).ConfigureAwait(false);
            }
            catch (IdempotencyRecordTooLargeException tooLarge) when (!request.ResponseNotStored)
            {
                notStoredBecause = tooLarge;
                request = request with { ResponseData = null, ResponseNotStored = true };
                committed = await CommitAsync(commit, request, state, cancellationToken).ConfigureAwait(false);
            }

            var existing = committed.Existing;
            if (committed.Acquired || string.Equals(existing?.OwnerToken, request.OwnerToken, StringComparison.Ordinal))
            {
                IdempotencyTelemetry.Executions.Add(1);
                _cache?.AddOrUpdate(key, new IdempotencyRecord
                {
                    Key = key,
                    Status = IdempotencyRecordStatus.Completed,
                    ExpiresAt = request.ExpiresAt,
                    PayloadHash = validationHash,
                    ResponseData = request.ResponseData,
                    ResponseNotStored = request.ResponseNotStored,
                    OwnerToken = request.OwnerToken,
                });
                if (notStoredBecause is not null)
                {
                    activity?.SetTag("idempotency.outcome", "executed_response_not_stored");
                    throw new IdempotencyResponseNotStoredException(
                        $"Idempotency key '{key}': the handler's writes and the key are committed, but its {typeof(TResult).Name} response could not be stored ({notStoredBecause.Message}); duplicates are acknowledged without a response.",
                        notStoredBecause,
                        result);
                }

                activity?.SetTag("idempotency.outcome", "executed");
                return new IdempotencyOutcome<TResult>(result, IdempotencyOutcomeKind.Executed, key);
            }

            var at = _timeProvider.GetUtcNow();
            if (existing is not null && !existing.IsExpired(at) && !existing.IsLeaseExpired(at))
            {
                if (existing.Status == IdempotencyRecordStatus.Completed)
                {
                    _cache?.AddOrUpdate(key, existing);
                    return Replay(existing, validationHash, resultType, activity);
                }

                IdempotencyTelemetry.InProgressRejections.Add(1);
                activity?.SetTag("idempotency.outcome", "in_progress");
                throw new IdempotencyAlreadyInProgressException(
                    $"Idempotency key '{key}' is already in progress (lease until {existing.InProgressExpiresAt:O}); try again later.",
                    existing.InProgressExpiresAt);
            }

            if (attempt >= Options.MaxInconsistentStateAttempts)
            {
                throw new IdempotencyInconsistentStateException(
                    $"Idempotency key '{key}': the store refused the commit {attempt} times but held no blocking record.");
            }

            LogInconsistentState(_logger, key, attempt);
        }
    }

    // A commit whose reply was lost is sent again as the same request (same owner token, so the same client request
    // token): DynamoDB answers it as already done, or its condition fails on our own record, which proves it landed.
    private async ValueTask<BeginResult> CommitAsync<TState>(
        Func<OneCallCommit, TState, CancellationToken, ValueTask<BeginResult>> commit, OneCallCommit request, TState state, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                return await commit(request, state, cancellationToken).ConfigureAwait(false);
            }
            catch (IdempotencyPersistenceException failure) when (retry < BeginRetriesAfterPersistenceFailure)
            {
                LogBeginRetried(_logger, failure, request.Key!);
            }
        }
    }
}
