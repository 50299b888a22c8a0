using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>What a built processor captures, and what building refuses.</summary>
public sealed class BuilderTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    [Fact]
    public async Task Given_a_built_processor_When_the_builder_is_changed_afterwards_Then_the_processor_keeps_what_it_captured()
    {
        var builder = SqsBatchProcessor.For<Order>("ship-orders")
            .WithStore(_store)
            .WithKey(o => o.OrderId)
            .Configure(o => o.MaxConcurrency = 3);
        var processor = builder.Handle(Ship);

        builder.WithKeyPrefix("other-consumer")
            .WithoutIdempotency()
            .WithEnvelope(SqsEnvelope.Sns)
            .Configure(o => o.MaxConcurrency = 1);
        processor.Options.MaxConcurrency = 7; // a copy: the processor's own options do not move either

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-1")), LambdaContexts.Create());

        Assert.Equal(3, processor.Options.MaxConcurrency);
        Assert.Same(SqsEnvelope.None, processor.Options.Envelope);
        Assert.Equal("ship-orders", processor.IdempotencyOptions.KeyPrefix);
        Assert.All(result.Records, r => Assert.StartsWith("ship-orders#", r.IdempotencyKey));
        Assert.True(result.AllSucceeded);
        Assert.Equal(1, _shipments["o-1"]);
    }

    [Fact]
    public void Given_no_store_When_the_processor_is_built_Then_it_fails_with_a_configuration_error()
    {
        var error = Assert.Throws<IdempotencyConfigurationException>(() => SqsBatchProcessor.For<Order>("ship-orders").WithKey(o => o.OrderId).Handle(Ship));

        Assert.Contains("WithStore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_in_memory_store_asked_for_explicitly_When_a_duplicate_arrives_Then_it_is_replayed()
    {
        var processor = SqsBatchProcessor.For<Order>("ship-orders").WithInMemoryStore().WithKey(o => o.OrderId).Handle(Ship);

        await processor.ProcessAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());
        var again = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-2", "o-1")), LambdaContexts.Create());

        Assert.Equal(SqsRecordStatus.Replayed, Assert.Single(again.Records).Status);
        Assert.Equal(1, _shipments["o-1"]);
    }

    [Fact]
    public async Task Given_idempotency_turned_off_When_built_without_a_store_Then_every_delivery_runs()
    {
        var processor = SqsBatchProcessor.For<Order>().WithoutIdempotency().Handle(Ship);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-1")), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(2, _shipments["o-1"]);
    }

    [Fact]
    public void Given_a_handler_type_without_services_When_built_Then_it_fails_with_a_configuration_error()
    {
        Assert.Throws<IdempotencyConfigurationException>(() => SqsBatchProcessor.For<Order>("ship-orders").WithStore(_store).Handle<NoopHandler>());
    }

    private ValueTask Ship(Order order, CancellationToken cancellationToken)
    {
        _shipments.Record(order.OrderId);
        return ValueTask.CompletedTask;
    }

    private sealed class NoopHandler : Pipeline.IMessageHandler<Order>
    {
        public ValueTask HandleAsync(Order message, Pipeline.MessageContext<Order> context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
