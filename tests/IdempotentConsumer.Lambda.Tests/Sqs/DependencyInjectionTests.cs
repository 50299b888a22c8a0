using System.Text.Json;
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
            .AddScoped<ShipOrderHandler>()
            .AddInMemoryIdempotencyStore()
            .AddSqsBatchProcessor<Order>(o => o.MaxConcurrency = 1, b => b.WithKeyPrefix("ship-orders").WithKeyJmesPath("orderId").Handle<ShipOrderHandler>());
        await using var provider = services.BuildServiceProvider();
        var processor = provider.GetRequiredService<SqsBatchProcessor<Order>>();

        var result = await processor.ProcessBatchAsync(FixtureFiles.Load("sqs-standard.json"), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(1, processor.Options.MaxConcurrency);
        Assert.Equal(1, shipments["o-1001"]);
        Assert.Equal(SqsRecordStatus.Replayed, result.Records[1].Status);
        Assert.Equal(2, counter.Created); // one scope per executed record; the replayed duplicate never resolves the handler
        Assert.Same(processor, provider.GetRequiredService<SqsBatchProcessor<Order>>());
        Assert.IsType<InMemoryIdempotencyStore>(processor.Consumer.Executor!.Store);
    }

    [Fact]
    public async Task Given_a_delegate_handler_and_the_deduplication_id_key_When_registered_Then_the_fifo_fixture_ships_each_order_once()
    {
        var shipments = new SideEffects();
        var services = new ServiceCollection()
            .AddIdempotency(o => o.KeyPrefix = "ship-orders")
            .AddInMemoryIdempotencyStore()
            .AddSqsBatchProcessor<Order>(null, b => b
                .WithRecordKey(SqsRecordKeys.MessageDeduplicationId)
                .Handle((order, _, _) =>
                {
                    shipments.Record(order.OrderId);
                    return ValueTask.CompletedTask;
                }));
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<SqsBatchProcessor<Order>>().ProcessBatchAsync(FixtureFiles.Load("sqs-fifo.json"), LambdaContexts.Create());

        Assert.True(result.IsFifo);
        Assert.True(result.AllSucceeded);
        Assert.Equal(1, shipments["o-2001"]);
        Assert.Equal(3, shipments.Total);
    }

    public sealed record Receipt(string OrderId, int Label);

    public sealed class LabelPrinter(SideEffects shipments) : IMessageHandler<Order, Receipt>
    {
        public ValueTask<Receipt> HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken)
        {
            shipments.Record(message.OrderId);
            return ValueTask.FromResult(new Receipt(message.OrderId, shipments.Total));
        }
    }

    [Fact]
    public async Task Given_a_registered_handler_with_a_result_When_a_duplicate_arrives_in_a_later_batch_Then_it_replays_the_stored_result()
    {
        var shipments = new SideEffects();
        var services = new ServiceCollection()
            .AddSingleton(shipments)
            .AddScoped<LabelPrinter>()
            .AddInMemoryIdempotencyStore()
            .AddSqsBatchProcessor<Order>(null, b => b.WithKeyPrefix("labels").WithKey(o => o.OrderId).Handle<LabelPrinter, Receipt>());
        await using var provider = services.BuildServiceProvider();
        var processor = provider.GetRequiredService<SqsBatchProcessor<Order>>();

        var first = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());
        var again = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-2", "o-1")), LambdaContexts.Create());

        Assert.Equal(new Receipt("o-1", 1), Assert.Single(first.Records).Response);
        var replay = Assert.Single(again.Records);
        Assert.Equal(SqsRecordStatus.Replayed, replay.Status);
        // The replay is the stored JSON (the processor does not know TResult); it reads back as the receipt.
        Assert.Equal(new Receipt("o-1", 1), Assert.IsType<System.Text.Json.JsonElement>(replay.Response).Deserialize<Receipt>(System.Text.Json.JsonSerializerOptions.Web));
        Assert.Equal(1, shipments.Total);
    }

    [Fact]
    public async Task Given_two_registered_processors_When_resolved_Then_each_has_its_own_executor_over_the_shared_store()
    {
        var services = new ServiceCollection()
            .AddInMemoryIdempotencyStore()
            .AddSqsBatchProcessor<Order>(null, b => b.WithKeyPrefix("orders").Handle((_, _) => ValueTask.CompletedTask))
            .AddSqsBatchProcessor<Receipt>(null, b => b.WithKeyPrefix("receipts").Handle((_, _) => ValueTask.CompletedTask));
        await using var provider = services.BuildServiceProvider();

        var orders = provider.GetRequiredService<SqsBatchProcessor<Order>>();
        var receipts = provider.GetRequiredService<SqsBatchProcessor<Receipt>>();

        Assert.NotSame(orders.Consumer.Executor, receipts.Consumer.Executor);
        Assert.Same(orders.Consumer.Executor!.Store, receipts.Consumer.Executor!.Store);
        Assert.Equal("orders", orders.IdempotencyOptions.KeyPrefix);
        Assert.Equal("receipts", receipts.IdempotencyOptions.KeyPrefix);
    }

    [Fact]
    public async Task Given_a_handler_type_that_is_not_registered_When_the_processor_is_resolved_Then_it_fails_with_a_configuration_error()
    {
        var services = new ServiceCollection()
            .AddSingleton(new SideEffects())
            .AddInMemoryIdempotencyStore()
            .AddSqsBatchProcessor<Order>(null, b => b.WithKeyPrefix("labels").Handle<LabelPrinter, Receipt>());
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Exceptions.IdempotencyConfigurationException>(() => provider.GetRequiredService<SqsBatchProcessor<Order>>());

        Assert.Contains(nameof(LabelPrinter), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_no_store_registered_When_the_processor_is_resolved_Then_it_fails_with_a_configuration_error()
    {
        var services = new ServiceCollection()
            .AddSqsBatchProcessor<Order>(null, b => b.WithKeyPrefix("orders").Handle((_, _) => ValueTask.CompletedTask));
        await using var provider = services.BuildServiceProvider();

        Assert.Throws<Exceptions.IdempotencyConfigurationException>(() => provider.GetRequiredService<SqsBatchProcessor<Order>>());
    }
}
