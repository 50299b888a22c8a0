using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Where a record's key comes from when the builder set no key from the message (<c>WithRecordKey</c>,
/// <c>WithDeduplicationIdKey</c>, <c>WithKeyFromMessage</c>): an explicit payload key (selector, JMESPath or the producer's key attribute) wins, then
/// the envelope's default key, then the whole payload.
/// </summary>
internal static class SqsIdempotencyKeys
{
    /// <summary>The envelope's key rule for <see cref="Consumers.ConsumerPipelineSettings{TMessage}.DefaultKeyFromMessage"/>; null when the payload decides.</summary>
    public static Func<IncomingMessage, string?>? EnvelopeKey(SqsBatchProcessorOptions options, IdempotencyOptions idempotency)
    {
        var explicitPayloadKey = idempotency.KeySource is not null || !string.IsNullOrEmpty(idempotency.KeyJmesPath) || !string.IsNullOrEmpty(idempotency.KeyAttribute);
        return options.UseEnvelopeKey && !ReferenceEquals(options.Envelope, SqsEnvelope.None) && !explicitPayloadKey
            ? static message => message.EnvelopeKey
            : null;
    }
}
