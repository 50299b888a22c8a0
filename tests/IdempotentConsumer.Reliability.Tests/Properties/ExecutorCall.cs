namespace IdempotentConsumer.Reliability.Tests.Properties;

/// <summary>What a handler does when the executor runs it.</summary>
public enum HandlerAction
{
    /// <summary>Returns its result.</summary>
    Succeed,

    /// <summary>Throws; the executor must release the key so a retry can run.</summary>
    Throw,

    /// <summary>Stalls past its lease (the shared fake clock jumps), then returns.</summary>
    StallPastLease,
}

/// <summary>One concurrent call into the executor.</summary>
/// <param name="Key">Which of a few keys the payload carries.</param>
/// <param name="Action">What the handler does if it runs.</param>
/// <param name="DelayMs">Real milliseconds the handler takes, so calls overlap.</param>
public sealed record ExecutorCall(int Key, HandlerAction Action, int DelayMs)
{
    /// <inheritdoc />
    public override string ToString() => $"k{Key} {Action} {DelayMs}ms";
}
