using System.Text.Json;
using System.Text.Json.Serialization;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
internal sealed partial class OrderJsonContext : JsonSerializerContext;

public sealed class PipelineOptionsTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    [Fact]
    public async Task Given_a_source_generated_context_When_bodies_are_deserialized_Then_the_generated_type_info_is_used()
    {
        var processor = Processors.OrderBuilder(_store)
            .WithTypeInfo(OrderJsonContext.Default.Order)
            .Configure(o => o.MaxConcurrency = 1)
            .Handle((order, _) =>
            {
                _shipments.Record(order.OrderId);
                return ValueTask.CompletedTask;
            });

        var result = await processor.ProcessBatchAsync(FixtureFiles.Load("sqs-standard.json"), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(1, _shipments["o-1001"]);
        Assert.Equal(1, _shipments["o-1002"]);
    }

    [Fact]
    public async Task Given_a_middleware_added_to_the_builder_When_a_duplicate_arrives_Then_the_middleware_runs_inside_idempotency_once_per_handler_run()
    {
        var seen = new List<string>();
        var processor = Processors.OrderBuilder(_store)
            .Configure(o => o.MaxConcurrency = 1)
            .Use(new RecordingMiddleware(seen))
            .Handle((order, context, _) =>
            {
                Assert.Equal("ship-orders", context.IdempotencyKey?.Split('#')[0]);
                Assert.Equal(SqsEvents.StandardArn, context.GetSqsRecord()!.EventSourceArn);
                _shipments.Record(order.OrderId);
                return ValueTask.CompletedTask;
            });

        await processor.ProcessAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-1")), LambdaContexts.Create());

        // The documented position for every consumer: inside idempotency and retry, so a replayed duplicate skips it.
        Assert.Equal(["m-1"], seen);
        Assert.Equal(1, _shipments["o-1"]);
    }

    [Fact]
    public void Given_invalid_batch_options_When_building_Then_it_fails_with_a_configuration_error()
    {
        Assert.Throws<Exceptions.IdempotencyConfigurationException>(() => Processors.OrderBuilder(_store).Configure(o => o.MaxConcurrency = 0).Handle((_, _) => ValueTask.CompletedTask));
        Assert.Throws<Exceptions.IdempotencyConfigurationException>(() => Processors.OrderBuilder(_store).Configure(o => o.MinimumLease = TimeSpan.Zero).Handle((_, _) => ValueTask.CompletedTask));
        Assert.Throws<Exceptions.IdempotencyConfigurationException>(() => SqsBatchProcessor.For<Order>("no-store").Handle((_, _) => ValueTask.CompletedTask));
    }

    private sealed class RecordingMiddleware(List<string> seen) : IMessageMiddleware<Order>
    {
        public ValueTask<object?> InvokeAsync(MessageContext<Order> context, MessageHandlerDelegate<Order> next)
        {
            seen.Add(context.MessageId);
            return next(context);
        }
    }
}
