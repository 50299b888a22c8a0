namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>What happened to one record of a batch.</summary>
/// <param name="MessageId">The record's <c>messageId</c> (empty when the record had none).</param>
/// <param name="Status">Succeeded, replayed, ignored, failed or not started.</param>
/// <param name="Reason">Why it failed; <see cref="SqsRecordFailureReason.None"/> on success.</param>
/// <param name="Error">The failure, when there was an exception.</param>
/// <param name="IdempotencyKey">The full idempotency key, when one was derived.</param>
/// <param name="Response">The handler's (or replayed) result, if any.</param>
/// <param name="MessageGroupId">The FIFO message group, if any.</param>
public sealed record SqsRecordResult(
    string MessageId,
    SqsRecordStatus Status,
    SqsRecordFailureReason Reason,
    Exception? Error,
    string? IdempotencyKey,
    object? Response,
    string? MessageGroupId)
{
    /// <summary>True when the record may be deleted (succeeded, replayed or ignored).</summary>
    public bool IsSuccess => Status is SqsRecordStatus.Succeeded or SqsRecordStatus.Replayed or SqsRecordStatus.Ignored;
}
