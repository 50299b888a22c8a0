using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Consumers;

/// <summary>
/// The handler at the end of a consumer's pipeline, in any of the shapes both adapters accept: a delegate or an object,
/// with or without a result (a result is stored and replayed to duplicates), given directly or resolved from the
/// message's services (a scope per message).
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class ConsumerHandler<TMessage>
{
    private ConsumerHandler(MessageHandlerDelegate<TMessage> terminal, Type? handlerType)
    {
        Terminal = terminal;
        HandlerType = handlerType;
    }

    /// <summary>The handler type resolved from services, when the handler comes from DI; adapters register it scoped.</summary>
    public Type? HandlerType { get; }

    /// <summary>A delegate without a result.</summary>
    public static ConsumerHandler<TMessage> From(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new(
            async context =>
            {
                await handler(context.Message, context, context.CancellationToken).ConfigureAwait(false);
                return null;
            },
            null);
    }

    /// <summary>A delegate whose result is stored and replayed.</summary>
    public static ConsumerHandler<TMessage> From<TResult>(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new(async context => await handler(context.Message, context, context.CancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>A handler object without a result.</summary>
    public static ConsumerHandler<TMessage> From(IMessageHandler<TMessage> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return From(handler.HandleAsync);
    }

    /// <summary>A handler object whose result is stored and replayed.</summary>
    public static ConsumerHandler<TMessage> From<TResult>(IMessageHandler<TMessage, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return From<TResult>(handler.HandleAsync);
    }

    /// <summary>A handler without a result, resolved from each message's services (register it scoped or transient).</summary>
    public static ConsumerHandler<TMessage> FromServices<THandler>()
        where THandler : class, IMessageHandler<TMessage> =>
        new(
            static async context =>
            {
                var handler = context.Services.GetRequiredService<THandler>();
                await handler.HandleAsync(context.Message, context, context.CancellationToken).ConfigureAwait(false);
                return null;
            },
            typeof(THandler));

    /// <summary>A handler whose result is stored and replayed, resolved from each message's services.</summary>
    public static ConsumerHandler<TMessage> FromServices<THandler, TResult>()
        where THandler : class, IMessageHandler<TMessage, TResult> =>
        new(
            static async context =>
            {
                var handler = context.Services.GetRequiredService<THandler>();
                return await handler.HandleAsync(context.Message, context, context.CancellationToken).ConfigureAwait(false);
            },
            typeof(THandler));

    /// <summary>The terminal delegate of the pipeline.</summary>
    public MessageHandlerDelegate<TMessage> Terminal { get; }
}
