using System.Diagnostics.CodeAnalysis;
using Amazon.SQS;
using IdempotentConsumer.Consumers;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IdempotentConsumer.Hosting.DependencyInjection;

/// <summary>
/// Configures one SQS consumer registered with <c>AddSqsConsumer</c>. The shared verbs (key, store, idempotency,
/// retry, redelivery, middleware, serialization) come from <see cref="ConsumerBuilder{TMessage, TSelf}"/> and mean what
/// they mean for the Lambda batch processor; this builder adds the worker's own (options, concurrency, the queue client)
/// and the terminal <c>Handle</c> verbs. Settings made here apply after those bound from configuration. The consumer
/// captures them when the host builds it.
/// </summary>
/// <typeparam name="TMessage">The consumer's message type.</typeparam>
public sealed class SqsConsumerBuilder<TMessage> : ConsumerBuilder<TMessage, SqsConsumerBuilder<TMessage>>
{
    private readonly string _optionsName;
    private ConsumerHandler<TMessage>? _handler;

    internal SqsConsumerBuilder(IServiceCollection services, string optionsName)
    {
        Services = services;
        _optionsName = optionsName;
    }

    /// <summary>The service collection the consumer is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The name of this consumer's <see cref="SqsConsumerOptions"/> in <c>IOptionsMonitor&lt;SqsConsumerOptions&gt;.Get(name)</c>.</summary>
    public string OptionsName => _optionsName;

    /// <summary>
    /// Where the consumer's SQS calls go; null: the <see cref="ISqsTransport"/> registered in DI if any, else an
    /// <see cref="AwsSqsTransport"/> over the <see cref="IAmazonSQS"/> in DI.
    /// </summary>
    internal Func<IServiceProvider, ISqsTransport>? TransportFactory { get; private set; }

    /// <summary>Changes any worker setting (queue, concurrency, visibility, …).</summary>
    public SqsConsumerBuilder<TMessage> Configure(Action<SqsConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(OptionsName, configure);
        return this;
    }

    /// <summary>How many messages are held at once (running or waiting behind their FIFO group).</summary>
    public SqsConsumerBuilder<TMessage> WithConcurrency(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return Configure(o => o.MaxConcurrency = maxConcurrency);
    }

    /// <summary>Uses this SQS client instead of the <see cref="IAmazonSQS"/> registered in DI.</summary>
    public SqsConsumerBuilder<TMessage> WithSqsClient(Func<IServiceProvider, IAmazonSQS> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return WithSqsTransport(services => new AwsSqsTransport(factory(services)));
    }

    /// <summary>Makes the consumer's SQS calls through this transport (the in-process queue, a test double, …).</summary>
    public SqsConsumerBuilder<TMessage> WithSqsTransport(Func<IServiceProvider, ISqsTransport> factory)
    {
        TransportFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Handles each message with a delegate of the message alone.</summary>
    public SqsConsumerBuilder<TMessage> Handle(Func<TMessage, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Handle((message, _, ct) => handler(message, ct));
    }

    /// <summary>Handles each message with a delegate of the message alone whose result is stored and replayed to duplicates.</summary>
    public SqsConsumerBuilder<TMessage> Handle<TResult>(Func<TMessage, CancellationToken, ValueTask<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Handle<TResult>((message, _, ct) => handler(message, ct));
    }

    /// <summary>Handles each message with a delegate that also reads the message context (attributes, key, SQS message).</summary>
    public SqsConsumerBuilder<TMessage> Handle(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask> handler) => SetHandler(ConsumerHandler<TMessage>.From(handler));

    /// <summary>Handles each message with a delegate whose result is stored and replayed to duplicates.</summary>
    public SqsConsumerBuilder<TMessage> Handle<TResult>(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask<TResult>> handler) => SetHandler(ConsumerHandler<TMessage>.From(handler));

    /// <summary>Handles each message with this handler object.</summary>
    public SqsConsumerBuilder<TMessage> Handle(IMessageHandler<TMessage> handler) => SetHandler(ConsumerHandler<TMessage>.From(handler));

    /// <summary>Handles each message with this handler object, whose result is stored and replayed.</summary>
    public SqsConsumerBuilder<TMessage> Handle<TResult>(IMessageHandler<TMessage, TResult> handler) => SetHandler(ConsumerHandler<TMessage>.From(handler));

    /// <summary>Handles each message with a <typeparamref name="THandler"/> resolved from the message's own DI scope (registered scoped if it is not yet).</summary>
    public SqsConsumerBuilder<TMessage> Handle<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
        where THandler : class, IMessageHandler<TMessage>
    {
        Services.TryAddScoped<THandler>();
        return SetHandler(ConsumerHandler<TMessage>.FromServices<THandler>());
    }

    /// <summary>As <see cref="Handle{THandler}()"/>, for a handler whose result is stored and replayed to duplicates.</summary>
    public SqsConsumerBuilder<TMessage> Handle<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, TResult>()
        where THandler : class, IMessageHandler<TMessage, TResult>
    {
        Services.TryAddScoped<THandler>();
        return SetHandler(ConsumerHandler<TMessage>.FromServices<THandler, TResult>());
    }

    /// <summary>A frozen copy of the consumer's definition, taken when the host builds the consumer.</summary>
    internal ConsumerDefinition<TMessage> Build() => Snapshot(_handler);

    private SqsConsumerBuilder<TMessage> SetHandler(ConsumerHandler<TMessage> handler)
    {
        _handler = handler;
        return this;
    }
}
