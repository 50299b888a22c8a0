namespace IdempotentConsumer.Execution;

/// <summary>How an idempotent call was answered.</summary>
public enum IdempotencyOutcomeKind
{
    /// <summary>This call took the record and ran the handler.</summary>
    Executed = 0,

    /// <summary>A completed record existed: the stored response was returned and the handler did not run.</summary>
    Replayed = 1,

    /// <summary>The handler ran without idempotency (no key and none required, or idempotency disabled).</summary>
    Unguarded = 2,

    /// <summary>
    /// A completed record exists but holds no response (it could not be stored): the handler did not run again
    /// and there is nothing to replay. Adapters acknowledge the message.
    /// </summary>
    CompletedWithoutResponse = 3,
}
