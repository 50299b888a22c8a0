namespace IdempotentConsumer.Dispositions;

/// <summary>
/// The pipeline's verdict on one message, decided once by <see cref="DispositionPolicy"/>. Adapters only map it to
/// their transport: Lambda names every unacknowledged message in <c>batchItemFailures</c>; the worker deletes
/// acknowledged messages and hides the others for <see cref="Delay"/>.
/// </summary>
/// <param name="Kind">What to do with the message.</param>
/// <param name="Delay">How long the message should stay hidden before it comes back; zero when acknowledged.</param>
/// <param name="Until">For <see cref="MessageDispositionKind.InProgressElsewhere"/>: when the blocking lease lapses, if the store said.</param>
/// <param name="Reason">A short, stable reason for logs and metrics (<c>success</c>, <c>replay</c>, <c>failure</c>, <c>in_progress</c>, <c>poison</c>).</param>
public readonly record struct MessageDisposition(MessageDispositionKind Kind, TimeSpan Delay, DateTimeOffset? Until, string Reason)
{
    /// <summary>The handler ran and finished.</summary>
    public static MessageDisposition Acknowledge { get; } = new(MessageDispositionKind.Acknowledge, TimeSpan.Zero, null, "success");

    /// <summary>A duplicate answered without running the handler.</summary>
    public static MessageDisposition AcknowledgeReplay { get; } = new(MessageDispositionKind.AcknowledgeReplay, TimeSpan.Zero, null, "replay");

    /// <summary>True when the message may be removed from the queue.</summary>
    public bool IsAcknowledged => Kind is MessageDispositionKind.Acknowledge or MessageDispositionKind.AcknowledgeReplay;

    /// <summary>A transient failure, delivered again after <paramref name="delay"/>.</summary>
    public static MessageDisposition Retry(TimeSpan delay) => new(MessageDispositionKind.Retry, delay, null, "failure");

    /// <summary>Blocked by another attempt's lease, delivered again after <paramref name="delay"/> (once the lease lapses).</summary>
    public static MessageDisposition InProgressElsewhere(TimeSpan delay, DateTimeOffset? until) => new(MessageDispositionKind.InProgressElsewhere, delay, until, "in_progress");

    /// <summary>A failure that will repeat, delivered again after <paramref name="delay"/> until the redrive policy dead-letters it.</summary>
    public static MessageDisposition Poison(TimeSpan delay) => new(MessageDispositionKind.Poison, delay, null, "poison");
}
