namespace IdempotentConsumer.Dispositions;

/// <summary>What should happen to a message on its transport once the pipeline has run it.</summary>
public enum MessageDispositionKind
{
    // Retry is zero on purpose: a default disposition must never remove a message from its queue.

    /// <summary>A failure that may pass (handler error, store outage, timeout): deliver it again after <see cref="MessageDisposition.Delay"/>.</summary>
    Retry = 0,

    /// <summary>The handler ran and finished: remove the message from the queue.</summary>
    Acknowledge,

    /// <summary>A duplicate answered from its record (or from a copy in the same batch): remove it, the handler did not run.</summary>
    AcknowledgeReplay,

    /// <summary>Another attempt holds the key's lease: deliver it again once that lease lapses (<see cref="MessageDisposition.Until"/>).</summary>
    InProgressElsewhere,

    /// <summary>
    /// A failure that will repeat on every delivery (malformed body, missing or invalid key, payload validation mismatch,
    /// configuration error). It still goes back to the queue, never dropped, so the queue's redrive policy moves it to the
    /// dead-letter queue where an operator can see it.
    /// </summary>
    Poison,
}
