namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>Entry point for building an <see cref="SqsBatchProcessor{TMessage}"/> without dependency injection.</summary>
public static class SqsBatchProcessor
{
    /// <summary>Starts a processor for messages of type <typeparamref name="TMessage"/>.</summary>
    /// <param name="consumerName">
    /// The stable consumer name prefixed to every key (as <c>WithKeyPrefix</c>). Keep it when code is renamed.
    /// </param>
    public static SqsBatchProcessorBuilder<TMessage> For<TMessage>(string consumerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consumerName);
        return For<TMessage>().WithKeyPrefix(consumerName);
    }

    /// <summary>
    /// Starts a processor whose key prefix, unless <c>WithKeyPrefix</c> or <c>WithIdempotency</c> sets one, is the
    /// function's identity: <c>{AWS_LAMBDA_FUNCTION_NAME}.{_HANDLER}</c>. Building fails with
    /// <see cref="Exceptions.IdempotencyConfigurationException"/> when neither is set.
    /// </summary>
    /// <remarks>
    /// Without dependency injection there are no services: give the store as an instance (<c>WithStore(store)</c>) or
    /// ask for <c>WithInMemoryStore()</c>; building without a store fails, unless <c>WithoutIdempotency()</c>.
    /// </remarks>
    public static SqsBatchProcessorBuilder<TMessage> For<TMessage>() => new(EmptyServiceProvider.Instance, null, null);
}
