namespace IdempotentConsumer.Pipeline;

/// <summary>The rest of the pipeline from a middleware's point of view; returns the handler's result (or null).</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public delegate ValueTask<object?> MessageHandlerDelegate<TMessage>(MessageContext<TMessage> context);
