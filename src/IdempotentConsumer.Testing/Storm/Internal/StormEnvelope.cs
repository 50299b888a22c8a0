namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>One physical send: a producer's retried send of the same logical message is a new envelope with a new id.</summary>
internal sealed record StormEnvelope(string MessageId, string Body, int LogicalIndex);
