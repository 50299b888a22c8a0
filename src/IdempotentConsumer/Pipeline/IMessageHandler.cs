namespace IdempotentConsumer.Pipeline;

/// <summary>Handles one message; the side effect must be safe to attempt again (pass the idempotency key downstream).</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public interface IMessageHandler<TMessage>
{
    /// <summary>Handles the message.</summary>
    ValueTask HandleAsync(TMessage message, MessageContext<TMessage> context, CancellationToken cancellationToken);
}

/// <summary>Handles one message and returns a result that is stored and replayed for duplicates.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
/// <typeparam name="TResult">The result type (serialized with System.Text.Json).</typeparam>
public interface IMessageHandler<TMessage, TResult>
{
    /// <summary>Handles the message and returns its result.</summary>
    ValueTask<TResult> HandleAsync(TMessage message, MessageContext<TMessage> context, CancellationToken cancellationToken);
}
