using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>What the worker does to a message on the queue once its pipeline run is over.</summary>
internal enum SqsQueueActionKind
{
    /// <summary>Acknowledged (handled or replayed): delete it (batched).</summary>
    Delete,

    /// <summary>Not acknowledged: make it visible again after a delay.</summary>
    Retry,

    /// <summary>Unfinished at shutdown: make it visible at once for another consumer.</summary>
    HandBack,

    /// <summary>The heartbeat lost it: it is not ours any more, touch nothing.</summary>
    Leave,
}

/// <param name="Kind">What to do.</param>
/// <param name="VisibilitySeconds">The visibility to set for <see cref="SqsQueueActionKind.Retry"/> and <see cref="SqsQueueActionKind.HandBack"/>.</param>
/// <param name="Reason">The telemetry reason (<c>failure</c>, <c>in_progress</c>, <c>poison</c>, <c>shutdown</c>, …).</param>
/// <param name="ReachedMaxReceiveCount">The queue's redrive policy takes it from here.</param>
internal readonly record struct SqsQueueAction(SqsQueueActionKind Kind, int VisibilitySeconds, string Reason, bool ReachedMaxReceiveCount = false)
{
    private const int MaxVisibilitySeconds = 43_200;

    public static SqsQueueAction Delete { get; } = new(SqsQueueActionKind.Delete, 0, "success");

    public static SqsQueueAction Leave { get; } = new(SqsQueueActionKind.Leave, 0, "lost");

    public static SqsQueueAction HandBack(string reason) => new(SqsQueueActionKind.HandBack, 0, reason);

    /// <summary>
    /// Maps the pipeline's disposition to SQS. The disposition is decided once, by the pipeline; only what the worker
    /// alone knows is added here: the handler was cut short by shutdown (hand back now), the heartbeat lost the message
    /// (leave it), and the redrive policy's limit (for the log).
    /// </summary>
    public static SqsQueueAction For(MessageProcessingResult result, int receiveCount, bool abandoned, bool lost, int? maxReceiveCount)
    {
        ArgumentNullException.ThrowIfNull(result);
        var disposition = result.Disposition;
        if (disposition.IsAcknowledged)
        {
            return Delete;
        }

        if (lost)
        {
            return Leave;
        }

        if (abandoned && result.Error is OperationCanceledException)
        {
            return HandBack("shutdown");
        }

        var seconds = (int)Math.Clamp(Math.Ceiling(disposition.Delay.TotalSeconds), 1, MaxVisibilitySeconds);
        var reachedMax = disposition.Kind != MessageDispositionKind.InProgressElsewhere && maxReceiveCount is { } max && receiveCount >= max;
        return new SqsQueueAction(SqsQueueActionKind.Retry, seconds, disposition.Reason, reachedMax);
    }
}
