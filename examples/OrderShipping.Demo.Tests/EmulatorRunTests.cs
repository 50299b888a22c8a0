using IdempotentConsumer.TestInfrastructure.Fixtures;
using OrderShipping.Demo.Options;

namespace OrderShipping.Demo.Tests;

/// <summary>The same story with the flags that leave the embedded defaults: DynamoDB Local for the records, fauxqs for the queue.</summary>
public sealed class EmulatorRunTests(DynamoDbLocalFixture dynamoDb, FauxqsFixture fauxqs)
    : IClassFixture<DynamoDbLocalFixture>, IClassFixture<FauxqsFixture>
{
    private DemoOptions OnEmulators(bool idempotency) => new()
    {
        Orders = 150,
        Consumers = 6,
        Seed = 11,
        Idempotency = idempotency,
        Store = StoreKind.DynamoDb,
        DynamoDbUrl = dynamoDb.ServiceUrl,
        DynamoDbTable = "order-shipping-demo-tests",
        Queue = QueueKind.Sqs,
        SqsUrl = fauxqs.ServiceUrl,
        ShowProgress = false,
        DuplicateSendRate = 0.2,
        CrashRate = 0.05,
        SlowRate = 0.03,
        Timeout = TimeSpan.FromSeconds(45),
    };

    [Fact]
    public async Task Given_dynamodb_and_sqs_emulators_When_idempotency_is_on_Then_every_order_ships_exactly_once_even_on_a_second_run()
    {
        foreach (var run in new[] { 1, 2 })
        {
            // The second run reuses the table: its orders must not be answered by the first run's records.
            var report = await new DemoRunner(OnEmulators(idempotency: true)).RunAsync(CancellationToken.None);

            Assert.False(report.TimedOut, $"run {run} timed out");
            Assert.True(report.Crashes > 0 && report.DuplicateSends > 0, $"run {run} met no faults");
            Assert.Empty(report.DoubleShipped);
            Assert.Empty(report.Lost);
            Assert.Equal(report.Orders, report.Shipments);
            Assert.Equal(report.Orders, report.Executions);
            Assert.Contains("hosted worker (AddSqsConsumer)", report.QueueDescription, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Given_dynamodb_and_sqs_emulators_When_idempotency_is_off_Then_orders_ship_twice()
    {
        var report = await new DemoRunner(OnEmulators(idempotency: false)).RunAsync(CancellationToken.None);

        Assert.NotEmpty(report.DoubleShipped);
        Assert.Empty(report.Lost);
    }

    [Fact]
    public async Task Given_a_fifo_queue_on_fauxqs_When_the_producer_sends_through_the_idempotent_sender_Then_sqs_drops_every_retried_send_and_every_order_ships_once()
    {
        var report = await new DemoRunner(OnEmulators(idempotency: true) with { Fifo = true }).RunAsync(CancellationToken.None);

        Assert.False(report.TimedOut);
        Assert.Contains(".fifo", report.QueueDescription, StringComparison.Ordinal);
        Assert.True(report.DuplicateSends > 0, "the producer should have retried some sends");

        // Every retry was re-serialized in another field order, so only the key-derived deduplication id can match it.
        Assert.Equal(report.DuplicateSends, report.SendsDeduplicatedByQueue);
        Assert.Empty(report.DoubleShipped);
        Assert.Empty(report.Lost);
        Assert.Equal(report.Orders, report.Shipments);
    }
}
