using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.BadInput;

/// <summary>
/// Bad input through the pipeline on the DynamoDB store against DynamoDB Local, plus what only DynamoDB
/// refuses (keys over 2048 bytes, items over 400 KB) and items tampered with in the table.
/// </summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalBadInputTests(DynamoDbLocalFixture fixture) : BadInputSuite
{
    private IAmazonDynamoDB? _client;

    /// <inheritdoc />
    protected override async Task<IIdempotencyStore> CreateStoreAsync()
    {
        (var store, _client) = await ReliabilityStores.DynamoDbAsync(fixture);
        return store;
    }

    /// <inheritdoc />
    public override Task DisposeAsync()
    {
        _client?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Given_a_response_too_large_for_a_DynamoDB_item_When_its_order_is_handled_Then_it_ships_once_is_acknowledged_with_a_typed_error_and_its_redelivery_does_not_ship_again()
    {
        var batch = new BadInputBatch<Order>(
            Store,
            IdempotencyKeySource.From<Order>(o => o.OrderId),
            o => o.OrderId,
            response: o => o.OrderId == "huge-label-order" ? new string('l', 450 * 1024) : "label");
        var huge = new Order("huge-label-order", "u", "p");
        Assert.True(batch.Executor.TryGetKey(new IdempotencyInvocation<Order>(huge), out var key));
        var body = System.Text.Json.JsonSerializer.Serialize(huge, System.Text.Json.JsonSerializerOptions.Web);

        var result = await batch.RunAsync(body);

        // The side effect happened: the message is acknowledged, the loss of the response is a typed error.
        Assert.Equal(MessageProcessingStatus.Succeeded, result.Status);
        Assert.IsType<IdempotencyResponseNotStoredException>(result.Error);
        Assert.IsType<IdempotencyRecordTooLargeException>(result.Error!.InnerException);
        var record = await Store.GetAsync(key);
        Assert.Equal(IdempotencyRecordStatus.Completed, record?.Status);
        Assert.True(record!.ResponseNotStored);
        Assert.Null(record.ResponseData);

        var calls = batch.Shipping.Calls;
        var redelivery = await batch.Pipeline.ProcessAsync(new IncomingMessage { MessageId = "bad-again", Body = body }, new NoServices());
        Assert.Equal(MessageProcessingStatus.Replayed, redelivery.Status);
        Assert.Equal(calls, batch.Shipping.Calls);
    }

    [Fact]
    public async Task Given_a_key_prefix_that_makes_keys_longer_than_DynamoDB_allows_When_messages_arrive_Then_each_fails_as_an_invalid_key_before_its_side_effect_and_nothing_is_written()
    {
        // Key material is hashed, so no message can carry a key that is too long; only the prefix can.
        var executor = new IdempotencyExecutor(Store, new IdempotencyOptions { KeyPrefix = new string('p', 2100), KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId) });
        var shipping = new ShippingApi();
        var pipeline = new MessagePipelineBuilder<Order>().UseIdempotency(executor).Build(async (o, c, ct) => await shipping.ShipAsync(o.OrderId, c.IdempotencyKey!, ct));

        var result = await pipeline.ProcessAsync(new IncomingMessage { MessageId = "m-1", Body = """{"orderId":"order-1","userId":"u","productId":"p"}""" }, new NoServices());

        Assert.Equal(MessageProcessingStatus.Failed, result.Status);
        Assert.IsType<IdempotencyKeyInvalidException>(result.Error);
        Assert.Equal(0, shipping.Calls);
    }

    public static TheoryData<string, Dictionary<string, AttributeValue>> TamperedItems()
    {
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new()
        {
            { "an unknown status", new() { ["status"] = new() { S = "DONE" }, ["expiration"] = new() { N = future }, ["data"] = new() { S = "\"shipped\"" } } },
            { "a missing status", new() { ["expiration"] = new() { N = future }, ["data"] = new() { S = "\"shipped\"" } } },
            { "a string expiration", new() { ["status"] = new() { S = "COMPLETED" }, ["expiration"] = new() { S = "tomorrow" }, ["data"] = new() { S = "\"shipped\"" } } },
            { "a numeric response", new() { ["status"] = new() { S = "COMPLETED" }, ["expiration"] = new() { N = future }, ["data"] = new() { N = "42" } } },
            { "a response that is not JSON", new() { ["status"] = new() { S = "COMPLETED" }, ["expiration"] = new() { N = future }, ["data"] = new() { S = "{\"shipped\": tru" } } },
        };
    }

    [Theory]
    [MemberData(nameof(TamperedItems))]
    public async Task Given_a_tampered_item_for_one_order_When_its_message_arrives_Then_only_it_fails_as_a_corrupt_record_and_the_item_is_left_as_found(string tampering, Dictionary<string, AttributeValue> attributes)
    {
        var batch = new BadInputBatch<Order>(Store, IdempotencyKeySource.From<Order>(o => o.OrderId), o => o.OrderId);
        var tampered = new Order("order-tampered", "u", "p");
        Assert.True(batch.Executor.TryGetKey(new IdempotencyInvocation<Order>(tampered), out var key));
        var item = new Dictionary<string, AttributeValue>(attributes) { ["id"] = new() { S = key }, ["owner_token"] = new() { S = "someone" } };
        await _client!.PutItemAsync(new PutItemRequest { TableName = ReliabilityStores.DynamoDbTable, Item = item });

        var result = await batch.RunAsync(System.Text.Json.JsonSerializer.Serialize(tampered, System.Text.Json.JsonSerializerOptions.Web));

        batch.AssertFailedWith(result, typeof(IdempotencyCorruptRecordException));
        var stored = await _client.GetItemAsync(new GetItemRequest { TableName = ReliabilityStores.DynamoDbTable, Key = new() { ["id"] = new() { S = key } }, ConsistentRead = true });
        Assert.True(stored.Item?["owner_token"].S == "someone", $"The item with {tampering} was changed; it must be left for an operator.");
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
