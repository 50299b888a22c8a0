using IdempotentConsumer.Consumers;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.PostgreSql.Tests.Support;

/// <summary>The smallest transport builder: the shared consumer vocabulary, built into a pipeline the test drives.</summary>
internal sealed class TestConsumerBuilder<TMessage> : ConsumerBuilder<TMessage, TestConsumerBuilder<TMessage>>
{
    public MessagePipeline<TMessage> Handle(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask> handler, IServiceProvider services) =>
        ConsumerPipelineFactory.Create(Snapshot(ConsumerHandler<TMessage>.From(handler)), services, new ConsumerPipelineSettings<TMessage> { DefaultKeyPrefix = "inbox-test" }).Pipeline;
}
