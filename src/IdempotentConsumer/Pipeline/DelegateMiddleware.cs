namespace IdempotentConsumer.Pipeline;

internal sealed class DelegateMiddleware<TMessage>(Func<MessageContext<TMessage>, MessageHandlerDelegate<TMessage>, ValueTask<object?>> step) : IMessageMiddleware<TMessage>
{
    public ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next) => step(context, next);
}
