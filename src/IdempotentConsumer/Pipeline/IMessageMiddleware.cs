namespace IdempotentConsumer.Pipeline;

/// <summary>A step around the handler (idempotency, retry, telemetry, or the user's own).</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public interface IMessageMiddleware<TMessage>
{
    /// <summary>Runs this step; call <paramref name="next"/> to continue the pipeline.</summary>
    ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next);
}
