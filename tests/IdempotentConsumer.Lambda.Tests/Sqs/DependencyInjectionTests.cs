using IdempotentConsumer.Lambda.DependencyInjection;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

public sealed class DependencyInjectionTests
{
    public sealed class ScopeCounter
    {
        private int _created;

        public int Created => _created;

        public int Next() => Interlocked.Increment(ref _created);
    }

    public sealed class ScopedDependency(ScopeCounter counter)
    {
        public int Id { get; } = counter.Next();
    }

    public sealed class ShipOrderHandler(ScopedDependency dependency, SideEffects shipments) : IMessageHandler<Order>
    {
        public ValueTask HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken)
        {
            Assert.NotNull(context.GetSqsRecord());
            Assert.NotNull(context.GetLambdaContext());
            Assert.True(dependency.Id > 0);
            shipments.Record(message.OrderId);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Given_a_registered_processor_When_a_batch_runs_Then_each_record_gets_its_own_scope_and_duplicates_replay()
    {
        var shipments = new SideEffects();
        var counter = new ScopeCounter();
        var services = new ServiceCollection()
            .AddSingleton(shipments)
            .AddSingleton(counter)
            .AddScoped<ScopedDependency>()
            .AddIdempotency(o =>
            {
                o.KeyPrefix = "ship-orders";
                o.KeyJmesPath = "orderId";
            })
            .AddInMemoryIdempotencyStore()
            .AddLambdaSqsBatchProcessor<Order, ShipOrderHandler>(o => o.MaxConcurrency = 1);
        await using var provider = services.BuildServiceProvider();
        var processor = provider.GetRequiredService<SqsBatchProcessor<Order>>();

        var result = await processor.ProcessBatchAsync(FixtureFiles.Load("sqs-standard.json"), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(1, processor.Options.MaxConcurrency);
        Assert.Equal(1, shipments["o-1001"]);
        Assert.Equal(SqsRecordStatus.Replayed, result.Records[1].Status);
        Assert.Equal(2, counter.Created); // one scope per executed record; the replayed duplicate never resolves the handler
        Assert.Same(processor, provider.GetRequiredService<SqsBatchProcessor<Order>>());
        Assert.IsType<InMemoryIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
    }

    [Fact]
    public async Task Given_a_delegate_handler_and_the_deduplication_id_key_When_registered_Then_the_fifo_fixture_ships_each_order_once()
    {
        var shipments = new SideEffects();
        var services = new ServiceCollection()
            .AddIdempotency(o => o.KeyPrefix = "ship-orders")
            .AddInMemoryIdempotencyStore()
            .AddLambdaSqsBatchProcessor<Order>(
                (order, _, _) =>
                {
                    shipments.Record(order.OrderId);
                    return ValueTask.CompletedTask;
                },
                o => o.RecordKey = SqsRecordKeys.MessageDeduplicationId);
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<SqsBatchProcessor<Order>>().ProcessBatchAsync(FixtureFiles.Load("sqs-fifo.json"), LambdaContexts.Create());

        Assert.True(result.IsFifo);
        Assert.True(result.AllSucceeded);
        Assert.Equal(1, shipments["o-2001"]);
        Assert.Equal(3, shipments.Total);
    }
}
