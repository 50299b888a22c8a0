namespace IdempotentConsumer.Sqs.Transport;

/// <summary>A batch entry that failed.</summary>
/// <param name="Id">The entry id.</param>
/// <param name="Code">The SQS error code.</param>
/// <param name="Message">The error message.</param>
/// <param name="SenderFault">True when retrying the same entry cannot succeed (an invalid receipt, …).</param>
public sealed record SqsBatchEntryError(string Id, string Code, string? Message, bool SenderFault);
