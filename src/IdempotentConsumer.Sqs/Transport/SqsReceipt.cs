namespace IdempotentConsumer.Sqs.Transport;

/// <summary>One entry of a batch call: an id unique within the batch and the receipt handle it acts on.</summary>
/// <param name="Id">The batch entry id (the message id is a good one).</param>
/// <param name="ReceiptHandle">The receipt handle of the receive.</param>
public sealed record SqsReceipt(string Id, string ReceiptHandle);
