using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>Decides a message's fate from its pipeline result and how it ended.</summary>
internal sealed class FailurePolicy(RedeliveryBackoff backoff, int? maxReceiveCount)
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

        if (result.IsInProgressElsewhere)
        {
            return new MessageDisposition(MessageDispositionKind.Retry, backoff.DelaySecondsWhileInProgressElsewhere(), "in_progress");
        }

        // The backoff applies at the limit too: if the queue has no redrive policy, a zero delay would spin.
        return new MessageDisposition(
            MessageDispositionKind.Retry,
            backoff.DelaySecondsAfterFailure(receiveCount),
            "failure",
            MaxReceiveCount is { } max && receiveCount >= max);
    }
}
