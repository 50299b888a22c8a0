namespace IdempotentConsumer.Hosting.Worker;

/// <summary>What happens to a message on the queue once its pipeline run is over.</summary>
internal enum MessageDispositionKind
{
    /// <summary>Succeeded or replayed: delete it (batched).</summary>
    Delete,

    /// <summary>Failed: make it visible again after a delay.</summary>
    Retry,

    /// <summary>Unfinished at shutdown: make it visible at once for another consumer.</summary>
    HandBack,

    /// <summary>The heartbeat lost it: it is not ours any more, touch nothing.</summary>
    Leave,
}

/// <param name="Kind">What to do.</param>
/// <param name="VisibilitySeconds">The visibility to set for <see cref="MessageDispositionKind.Retry"/> and <see cref="MessageDispositionKind.HandBack"/>.</param>
/// <param name="Reason">The telemetry reason (<c>failure</c>, <c>in_progress</c>, <c>shutdown</c>, …).</param>
/// <param name="ReachedMaxReceiveCount">The queue's redrive policy takes it from here.</param>
internal readonly record struct MessageDisposition(MessageDispositionKind Kind, int VisibilitySeconds, string Reason, bool ReachedMaxReceiveCount = false)
{
    public static MessageDisposition Delete { get; } = new(MessageDispositionKind.Delete, 0, "success");

    public static MessageDisposition Leave { get; } = new(MessageDispositionKind.Leave, 0, "lost");

    public static MessageDisposition HandBack(string reason) => new(MessageDispositionKind.HandBack, 0, reason);
}
