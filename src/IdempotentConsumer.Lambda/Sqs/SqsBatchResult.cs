using Amazon.Lambda.SQSEvents;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>The outcome of one batch: the response for Lambda and the fate of each record, in batch order.</summary>
public sealed class SqsBatchResult
{
    internal SqsBatchResult(IReadOnlyList<SqsRecordResult> records, bool isFifo, SQSBatchResponse response)
    {
        Records = records;
        IsFifo = isFifo;
        Response = response;
    }

    /// <summary>Each record's result, in the order of the event.</summary>
    public IReadOnlyList<SqsRecordResult> Records { get; }

    /// <summary>True when the batch was processed under FIFO rules.</summary>
    public bool IsFifo { get; }

    /// <summary>The response to return from the function: every record that did not succeed is a batch item failure.</summary>
    public SQSBatchResponse Response { get; }

    /// <summary>The records that will be redelivered.</summary>
    public IEnumerable<SqsRecordResult> Failures => Records.Where(r => !r.IsSuccess);

    /// <summary>True when every record succeeded (an empty batch included).</summary>
    public bool AllSucceeded => Records.All(r => r.IsSuccess);

    /// <summary>True when the batch had records and none succeeded.</summary>
    public bool AllFailed => Records.Count > 0 && Records.All(r => !r.IsSuccess);
}
