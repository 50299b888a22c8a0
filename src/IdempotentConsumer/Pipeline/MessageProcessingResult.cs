using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Pipeline;

/// <summary>What the pipeline reports to the adapter for one message. The pipeline never throws for a message; it reports.</summary>
/// <param name="MessageId">The transport's message id.</param>
/// <param name="Status">Succeeded, replayed or failed.</param>
/// <param name="Response">The handler's (or replayed) result, if any.</param>
/// <param name="Error">
/// The failure, when <paramref name="Status"/> is <see cref="MessageProcessingStatus.Failed"/>. On
/// <see cref="MessageProcessingStatus.Succeeded"/> it can hold an <see cref="IdempotencyResponseNotStoredException"/>:
/// the handler ran, the key is completed, but its response was not stored.
/// </param>
/// <param name="IdempotencyKey">The full key, when one was derived.</param>
/// <param name="Disposition">What the transport should do with the message, decided by the pipeline's <see cref="DispositionPolicy"/>.</param>
public sealed record MessageProcessingResult(string MessageId, MessageProcessingStatus Status, object? Response, Exception? Error, string? IdempotencyKey, MessageDisposition Disposition)
{
    /// <summary>True when the message may be deleted from the queue.</summary>
    public bool IsSuccess => Disposition.IsAcknowledged;

    /// <summary>True when the failure is "another attempt is running it": retry soon, never count it as success.</summary>
    public bool IsInProgressElsewhere => Error is IdempotencyAlreadyInProgressException;
}
