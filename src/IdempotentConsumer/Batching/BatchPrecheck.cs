using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdempotentConsumer.Batching;

/// <summary>
/// The batch pre-check both batch adapters share: derives the key of every record of a batch the way the pipeline
/// will, reads them all in one consistent <see cref="Stores.IIdempotencyStore.GetManyAsync"/>, and hands each record
/// its completed record, which the adapter puts on <see cref="MessageContext{TMessage}.PrecheckedRecord"/>. The
/// idempotency step then replays it with no write; every other record meets the store as it would without the read.
/// Built by <see cref="Consumers.ConsumerPipelineFactory"/>; thread-safe.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class BatchPrecheck<TMessage>
{
    private readonly IdempotencyExecutor _executor;
    private readonly MessageBodyDeserializer<TMessage> _deserializer;
    private readonly Func<IncomingMessage, string?>? _keyFromMessage;
    private readonly ILogger _logger;

    internal BatchPrecheck(IdempotencyExecutor executor, MessageBodyDeserializer<TMessage> deserializer, Func<IncomingMessage, string?>? keyFromMessage, ILogger? logger)
    {
        _executor = executor;
        _deserializer = deserializer;
        _keyFromMessage = keyFromMessage;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The consumer's <see cref="IdempotencyOptions.BatchPrecheck"/>.</summary>
    public BatchPrecheckMode Mode => _executor.Options.BatchPrecheck;

    /// <summary>
    /// Whether the read pays for this batch. <see cref="BatchPrecheckMode.Auto"/>: only when a record was delivered before
    /// (receive count above 1), the sign of a completed duplicate that costs nothing to see (no key is derived to decide).
    /// </summary>
    public bool ShouldRead(IReadOnlyList<IncomingMessage?> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Mode switch
        {
            BatchPrecheckMode.Always => batch.Count > 0,
            BatchPrecheckMode.Auto => LooksDuplicated(batch),
            _ => false,
        };
    }

    /// <summary>
    /// The completed record of each record's key, by batch index (null: not read, no key, nothing completed). Never
    /// throws for the store: a failed read is logged and the batch goes on without it.
    /// </summary>
    /// <param name="batch">The batch as the pipeline will see it (envelopes opened); null slots stay null.</param>
    /// <param name="cancellationToken">Cancels the read (the batch then goes on without it).</param>
    public async ValueTask<IReadOnlyList<IdempotencyRecord?>> ReadAsync(IReadOnlyList<IncomingMessage?> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var found = new IdempotencyRecord?[batch.Count];
        if (!ShouldRead(batch))
        {
            IdempotencyTelemetry.PrecheckSkips.Add(1);
            return found;
        }

        var keys = new string?[batch.Count];
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i] is { } incoming && TryReadKey(incoming) is { } key)
            {
                keys[i] = key;
                distinct.Add(key);
            }
        }

        if (distinct.Count == 0)
        {
            return found;
        }

        IdempotencyTelemetry.PrecheckReads.Add(1);
        IReadOnlyDictionary<string, IdempotencyRecord> records;
        try
        {
            records = await _executor.Store.GetManyAsync(distinct, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The read only saves calls: without it every record still meets the store on its own.
            BatchPrecheckLog.ReadFailed(_logger, ex, distinct.Count);
            return found;
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key && records.TryGetValue(key, out var record) && record.Status == IdempotencyRecordStatus.Completed)
            {
                found[i] = record;
            }
        }

        return found;
    }

    /// <summary>The full key the idempotency step will use for <paramref name="incoming"/>, or null when it has none or it cannot be read (the pipeline reports why).</summary>
    public string? TryReadKey(IncomingMessage incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        try
        {
            // The same invocation the idempotency step builds, so the read key is the key the record is written under.
            var invocation = _keyFromMessage is { } fromMessage
                ? new IdempotencyInvocation<TMessage>(default!) { KeyMaterial = fromMessage(incoming) ?? string.Empty }
                : new IdempotencyInvocation<TMessage>(_deserializer.Deserialize(incoming)) { RawJson = typeof(TMessage) == typeof(string) ? null : incoming.Body };
            return _executor.TryGetKey(invocation, out var key) ? key : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            return null; // a body or key the pipeline cannot read fails that record there, with its own error
        }
    }

    // A redelivery is the one free sign that a key may already be completed: the record ran (or began) before. Copies
    // of one key within a batch are no such sign: both are here, so neither has run, and the adapters already send
    // only one of them to the store.
    private static bool LooksDuplicated(IReadOnlyList<IncomingMessage?> batch)
    {
        foreach (var incoming in batch)
        {
            if (incoming is { ReceiveCount: > 1 })
            {
                return true;
            }
        }

        return false;
    }
}
