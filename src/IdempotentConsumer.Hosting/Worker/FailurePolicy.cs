using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>Decides a message's fate from its pipeline result and how it ended.</summary>
internal sealed class FailurePolicy(RedeliveryBackoff backoff, int? maxReceiveCount, TimeProvider timeProvider)
{
    /// <summary>The receive count from which the redrive policy takes over; null when unknown.</summary>
    public int? MaxReceiveCount { get; } = maxReceiveCount;

    /// <param name="result">The pipeline's report.</param>
    /// <param name="receiveCount">The delivery's <c>ApproximateReceiveCount</c>.</param>
    /// <param name="abandoned">The shutdown timeout passed while it ran.</param>
    /// <param name="lost">The heartbeat lost the message or its lease.</param>
    public MessageDisposition Decide(MessageProcessingResult result, int receiveCount, bool abandoned, bool lost)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsSuccess)
        {
            return MessageDisposition.Delete;
        }

        if (lost)
        {
            return MessageDisposition.Leave;
        }

        if (abandoned && result.Error is OperationCanceledException)
        {
            return MessageDisposition.HandBack("shutdown");
        }

        if (result.Error is IdempotencyAlreadyInProgressException inProgress)
        {
            // Hidden until the holder's lease lapses: every receive counts toward maxReceiveCount, so coming back
            // sooner would spend the redrive budget waiting, and dead-letter a message nobody failed to handle.
            var delay = backoff.DelaySecondsWhileInProgressElsewhere(inProgress.InProgressExpiresAt, timeProvider.GetUtcNow());
            return new MessageDisposition(MessageDispositionKind.Retry, delay, "in_progress");
        }

        // The backoff applies at the limit too: if the queue has no redrive policy, a zero delay would spin.
        return new MessageDisposition(
            MessageDispositionKind.Retry,
            backoff.DelaySecondsAfterFailure(receiveCount),
            "failure",
            MaxReceiveCount is { } max && receiveCount >= max);
    }
}
