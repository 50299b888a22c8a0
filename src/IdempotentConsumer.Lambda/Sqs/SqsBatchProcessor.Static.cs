namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>Entry point for building an <see cref="SqsBatchProcessor{TMessage}"/> without dependency injection.</summary>
public static class SqsBatchProcessor
{
    /// <summary>Starts a processor for messages of type <typeparamref name="TMessage"/>.</summary>
    /// <param name="consumerName">
    /// The stable consumer name prefixed to every key (<see cref="IdempotencyOptions.KeyPrefix"/>). Keep it when code is renamed.
    /// </param>
    public static SqsBatchProcessorBuilder<TMessage> For<TMessage>(string consumerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consumerName);
        return new(consumerName);
    }

    /// <summary>
    /// Starts a processor whose key prefix, unless <see cref="SqsBatchProcessorBuilder{TMessage}.ConfigureIdempotency"/> sets one,
    /// is the function's identity: <c>{AWS_LAMBDA_FUNCTION_NAME}.{_HANDLER}</c>. Building fails with
    /// <see cref="Exceptions.IdempotencyConfigurationException"/> when neither variable is set.
    /// </summary>
    public static SqsBatchProcessorBuilder<TMessage> For<TMessage>() => new(null);
}
