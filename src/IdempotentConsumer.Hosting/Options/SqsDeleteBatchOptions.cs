namespace IdempotentConsumer.Hosting.Options;

/// <summary>How finished messages are deleted: gathered into <c>DeleteMessageBatch</c> calls.</summary>
public sealed class SqsDeleteBatchOptions
{
    /// <summary>Entries per call, 1–10; a full batch is sent at once. Default: 10.</summary>
    public int MaxBatchSize { get; set; } = 10;

    /// <summary>
    /// The longest a delete waits for company before its batch is sent. Keep it short: a FIFO group stays
    /// locked until its message is deleted. Default: 20 ms.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Attempts per batch when the call fails as a whole (the message is redelivered and replayed if all fail). Default: 3.</summary>
    public int MaxAttempts { get; set; } = 3;
}
