using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests;

/// <summary>The quick start of docs/lambda.md, compiled (with the in-memory store in place of DynamoDB) and run.</summary>
public sealed class QuickStartTests
{
    public static class Shipping
    {
        public static readonly SideEffects Shipments = new();

        public static Task ShipAsync(Order order, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Shipments.Record(order.OrderId);
            return Task.CompletedTask;
        }
    }

    public class Function
    {
        private static readonly SqsBatchProcessor<Order> Processor = SqsBatchProcessor.For<Order>("ship-orders")
            .WithStore(new InMemoryIdempotencyStore())
            .WithKey(order => order.OrderId)
            .Handle(async (order, ct) => await Shipping.ShipAsync(order, ct));

        public Task<SQSBatchResponse> Handler(SQSEvent sqsEvent, ILambdaContext context) =>
            Processor.ProcessAsync(sqsEvent, context);
    }

    [Fact]
    public async Task Given_the_quick_start_function_When_the_standard_fixture_arrives_twice_Then_each_order_ships_once()
    {
        var function = new Function();

        var first = await function.Handler(FixtureFiles.Load("sqs-standard.json"), LambdaContexts.Create());
        var redelivered = await function.Handler(FixtureFiles.Load("sqs-standard.json"), LambdaContexts.Create());

        // Records run concurrently by default: the producer's duplicate of o-1001 either replays or, if it raced the
        // original, is reported in progress and redelivered. Either way it never ships twice.
        Assert.True(first.BatchItemFailures.Count <= 1);
        Assert.All(first.BatchItemFailures, f => Assert.StartsWith("4f1c2a7e-0b6d-4c3a-9e5f-1a2b3c4d5e0", f.ItemIdentifier));
        Assert.Empty(redelivered.BatchItemFailures);
        Assert.Equal(1, Shipping.Shipments["o-1001"]);
        Assert.Equal(1, Shipping.Shipments["o-1002"]);
    }
}
