using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using System.Globalization;
using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Reliability.Tests.BadInput;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// Bad input through the Lambda adapter: one bad record in a batch of good orders. It must come back as the
/// only batch item failure, with a typed error and reason; every good order ships once.
/// </summary>
public sealed class LambdaBadInputTests
{
    private const int GoodOrders = 6;

    public static TheoryData<BadInputCase> Cases() => new(BadInputSuite.TypedOrderCaseList);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Given_a_bad_record_in_a_batch_When_the_processor_runs_Then_it_is_the_only_batch_item_failure_with_a_typed_error(BadInputCase bad)
    {
        var (processor, shipping) = Processor(new InMemoryIdempotencyStore());

        var batch = await RunAsync(processor, bad.Body);

        var failure = Assert.Single(batch.Response.BatchItemFailures!);
        Assert.Equal("bad", failure.ItemIdentifier);
        var record = Assert.Single(batch.Records, r => r.MessageId == "bad");
        Assert.True(bad.ExpectedError == record.Error?.GetType(), $"Expected {bad.ExpectedError.Name}, got {record.Error?.GetType().Name}: {record.Error?.Message}");
        Assert.Equal(ExpectedReason(bad.ExpectedError), record.Reason);
        AssertGoodOrdersShippedOnce(batch, shipping);
    }

    [Fact]
    public async Task Given_a_body_whose_key_is_an_escaped_lone_surrogate_When_keyed_by_JMESPath_Then_only_it_fails_as_an_invalid_key()
    {
        // SQS refuses unpaired surrogates in a body, so one can only arrive escaped inside the body's JSON text.
        var store = new InMemoryIdempotencyStore();
        var shipping = new ShippingApi();
        var processor = SqsBatchProcessor.For<JsonElement>("bad-input-jmespath")
            .WithStore(store)
            .WithKeyJmesPath("orderId")
            .WithIdempotency(o => o.ThrowOnMissingKey = true)
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance)
            .Handle(async (JsonElement order, Pipeline.MessageContext<JsonElement> context, CancellationToken ct) =>
                await shipping.ShipAsync(order.GetProperty("orderId").GetString()!, context.IdempotencyKey!, ct));

        var batch = await processor.ProcessBatchAsync(
            LambdaEvents.From(GoodRecords().Append(("bad", "{\"orderId\":\"order-\\ud800\"}"))),
            new LocalLambdaContext(TimeSpan.FromSeconds(30), logger: new QuietLambdaLogger()));

        var record = Assert.Single(batch.Records, r => !r.IsSuccess);
        Assert.Equal("bad", record.MessageId);
        Assert.IsType<IdempotencyKeyInvalidException>(record.Error);
        Assert.Equal(SqsRecordFailureReason.Poison, record.Reason);
        Assert.Equal(GoodOrders, shipping.Shipments);
    }

    private static (SqsBatchProcessor<Order> Processor, ShippingApi Shipping) Processor(IIdempotencyStore store, Func<Order, string>? response = null)
    {
        var shipping = new ShippingApi();
        var builder = SqsBatchProcessor.For<Order>($"bad-input-{Guid.NewGuid():N}")
            .WithStore(store)
            .WithKey(o => o.OrderId)
            .WithIdempotency(o => o.ThrowOnMissingKey = true)
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance);
        var processor = response is null
            ? builder.Handle(async (Order order, Pipeline.MessageContext<Order> context, CancellationToken ct) => await shipping.ShipAsync(order.OrderId, context.IdempotencyKey!, ct))
            : builder.Handle<string>(async (order, ct) =>
            {
                await shipping.ShipAsync(order.OrderId, "order#" + order.OrderId, ct);
                return response(order);
            });
        return (processor, shipping);
    }

    private static IEnumerable<(string, string)> GoodRecords() =>
        Enumerable.Range(0, GoodOrders).Select(i => ($"good-{i}", JsonSerializer.Serialize(Order.Numbered(i), JsonSerializerOptions.Web)));

    private static Task<SqsBatchResult> RunAsync(SqsBatchProcessor<Order> processor, string badBody)
    {
        var records = GoodRecords().ToList();
        records.Insert(GoodOrders / 2, ("bad", badBody));
        return processor.ProcessBatchAsync(LambdaEvents.From(records), new LocalLambdaContext(TimeSpan.FromSeconds(30), logger: new QuietLambdaLogger()));
    }

    private static void AssertGoodOrdersShippedOnce(SqsBatchResult batch, ShippingApi shipping)
    {
        Assert.All(batch.Records.Where(r => r.MessageId != "bad"), r => Assert.True(r.IsSuccess, $"{r.MessageId}: {r.Reason} {r.Error}"));
        Assert.Equal(GoodOrders, shipping.ShipmentsByOrder.Count(o => o.Key.StartsWith("order-", StringComparison.Ordinal) && o.Value == 1));
    }

    private static SqsRecordFailureReason ExpectedReason(Type error) => error.Name switch
    {
        nameof(MessageDeserializationException) or nameof(IdempotencyKeyMissingException) or nameof(IdempotencyKeyInvalidException) => SqsRecordFailureReason.Poison,
        _ => SqsRecordFailureReason.Retry,
    };

    /// <summary>What only DynamoDB refuses, through the Lambda adapter: an item over 400 KB, a tampered item.</summary>
    [Collection(EmulatorCollections.DynamoDbLocal)]
    public sealed class OnDynamoDbLocal(DynamoDbLocalFixture fixture) : IAsyncLifetime
    {
        private IIdempotencyStore _store = null!;
        private IAmazonDynamoDB _client = null!;

        public async Task InitializeAsync()
        {
            var (store, client) = await ReliabilityStores.DynamoDbAsync(fixture);
            _store = store;
            _client = client;
        }

        public Task DisposeAsync()
        {
            _client.Dispose();
            return Task.CompletedTask;
        }

        [Fact]
        public async Task Given_a_response_too_large_for_the_table_When_the_processor_runs_Then_that_record_ships_once_and_is_acknowledged_with_a_typed_error()
        {
            var (processor, shipping) = Processor(_store, o => o.OrderId == "huge-label-order" ? new string('l', 450 * 1024) : "label");

            var batch = await RunAsync(processor, JsonSerializer.Serialize(new Order("huge-label-order", "u", "p"), JsonSerializerOptions.Web));

            var record = Assert.Single(batch.Records, r => r.MessageId == "bad");
            Assert.IsType<IdempotencyResponseNotStoredException>(record.Error);
            Assert.Empty(batch.Response.BatchItemFailures ?? []);
            Assert.Equal(1, shipping.ShipmentsByOrder["huge-label-order"]);
            AssertGoodOrdersShippedOnce(batch, shipping);
        }

        [Fact]
        public async Task Given_a_tampered_item_with_an_unknown_status_When_its_record_arrives_Then_only_it_fails_as_a_corrupt_record()
        {
            var consumer = $"tampered-{Guid.NewGuid():N}";
            var shipping = new ShippingApi();
            var processor = SqsBatchProcessor.For<Order>(consumer)
                .WithStore(_store)
                .WithKey(o => o.OrderId)
                .WithoutRetry()
                .WithLoggerFactory(NullLoggerFactory.Instance)
                .Handle(async (Order order, Pipeline.MessageContext<Order> context, CancellationToken ct) => await shipping.ShipAsync(order.OrderId, context.IdempotencyKey!, ct));
            var tampered = new Order("order-tampered", "u", "p");
            var keys = new IdempotencyExecutor(new InMemoryIdempotencyStore(), new IdempotencyOptions { KeyPrefix = consumer, KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId) });
            Assert.True(keys.TryGetKey(new IdempotencyInvocation<Order>(tampered), out var key));
            await _client.PutItemAsync(new PutItemRequest
            {
                TableName = ReliabilityStores.DynamoDbTable,
                Item = new()
                {
                    ["id"] = new() { S = key },
                    ["status"] = new() { S = "SHIPPED" },
                    ["expiration"] = new() { N = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                },
            });

            var batch = await RunAsync(processor, JsonSerializer.Serialize(tampered, JsonSerializerOptions.Web));

            var record = Assert.Single(batch.Records, r => r.MessageId == "bad");
            Assert.IsType<IdempotencyCorruptRecordException>(record.Error);
            Assert.Equal("bad", Assert.Single(batch.Response.BatchItemFailures!).ItemIdentifier);
            AssertGoodOrdersShippedOnce(batch, shipping);
        }
    }
}
