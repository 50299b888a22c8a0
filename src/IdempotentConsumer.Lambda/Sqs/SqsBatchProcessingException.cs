namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Thrown when every record of a batch failed and <see cref="SqsBatchProcessorOptions.ThrowOnAllFailed"/> is set:
/// the invocation fails, so Lambda returns the whole batch to the queue.
/// </summary>
public sealed class SqsBatchProcessingException : AggregateException
{
    /// <summary>Creates the exception from the batch's results.</summary>
    public SqsBatchProcessingException(SqsBatchResult result)
        : base(
            $"All {result?.Records.Count} records of the batch failed; the whole batch goes back to the queue.",
            (result ?? throw new ArgumentNullException(nameof(result))).Records.Select(r => r.Error ?? new InvalidOperationException($"Record {r.MessageId}: {r.Reason}")))
    {
        Result = result;
    }

    /// <summary>The batch's results.</summary>
    public SqsBatchResult Result { get; }
}
