using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Chooses where an SQS record's idempotency key comes from, for <see cref="MessagePipelineBuilder{TMessage}.UseIdempotency"/>.
/// Precedence: <see cref="SqsBatchProcessorOptions.RecordKey"/>, then the executor's explicit key source
/// (selector or JMESPath over the payload), then the envelope's default key, then the whole payload.
/// </summary>
public static class SqsIdempotencyKeys
{
    /// <summary>
    /// The <c>keyFromContext</c> argument for <see cref="MessagePipelineBuilder{TMessage}.UseIdempotency"/>, or null
    /// when the executor's key source reads the payload. Use it when building your own pipeline for
    /// <see cref="SqsBatchProcessor{TMessage}"/>.
    /// </summary>
    public static Func<MessageContext<TMessage>, string?>? ForPipeline<TMessage>(SqsBatchProcessorOptions options, IdempotencyOptions idempotencyOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(idempotencyOptions);
        if (options.RecordKey is { } recordKey)
        {
            return context => context.GetSqsRecord() is { } record ? recordKey(record) : null;
        }

        var explicitPayloadKey = idempotencyOptions.KeySource is not null || !string.IsNullOrEmpty(idempotencyOptions.KeyJmesPath);
        if (options.UseEnvelopeKey && !ReferenceEquals(options.Envelope, Envelopes.SqsEnvelope.None) && !explicitPayloadKey)
        {
            return context => context.Items.TryGetValue(LambdaMessageContextExtensions.EnvelopeKeyItem, out var key) ? key as string : null;
        }

        return null;
    }
}
