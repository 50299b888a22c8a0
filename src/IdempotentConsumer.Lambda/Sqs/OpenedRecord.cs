using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// A record with its envelope opened ahead of the batch (for the batch pre-check), so it is opened once: the content
/// and the message the pipeline will see, or why it could not be opened.
/// </summary>
internal sealed record OpenedRecord(SqsEnvelopeContent Content, IncomingMessage? Incoming, Exception? Error);
