using IdempotentConsumer;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;
using OrderShipping.Handling;
using OrderShipping.Orders;
using OrderShipping.Shipping;

namespace OrderShipping.Demo.Tests;

public sealed class ShipOrderHandlerTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().BuildServiceProvider();

    private static IncomingMessage Message(string id, Order order) => new() { MessageId = id, Body = OrderJson.Serialize(order) };

    private static MessagePipeline<Order> IdempotentPipeline(IIdempotencyStore store, IShippingApi api)
    {
        var options = new IdempotencyOptions();
        OrderShippingIdempotency.Configure(options);
        return new MessagePipelineBuilder<Order>()
            .UseIdempotency(new IdempotencyExecutor(store, options))
            .Build<ShipmentReceipt>(new ShipOrderHandler(api));
    }

    [Fact]
    public async Task Given_idempotency_When_an_order_is_handled_Then_the_carrier_receives_the_messages_idempotency_key()
    {
        var api = new FakeShippingApi();
        var pipeline = IdempotentPipeline(new InMemoryIdempotencyStore(), api);

        var result = await pipeline.ProcessAsync(Message("m-1", new Order("ORD-7", "USR-1", "SKU-1")), Services);

        Assert.Equal(MessageProcessingStatus.Succeeded, result.Status);
        var call = Assert.Single(api.Calls);
        Assert.NotNull(call.IdempotencyKey);
        Assert.Equal(result.IdempotencyKey, call.IdempotencyKey);
        Assert.StartsWith(OrderShippingIdempotency.KeyPrefix + "#", call.IdempotencyKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_two_messages_of_one_order_with_different_ids_and_field_order_Then_the_second_replays_the_first_receipt()
    {
        var api = new FakeShippingApi();
        var pipeline = IdempotentPipeline(new InMemoryIdempotencyStore(), api);

        var first = await pipeline.ProcessAsync(Message("m-1", new Order("ORD-7", "USR-1", "SKU-1")), Services);
        var second = await pipeline.ProcessAsync(new IncomingMessage { MessageId = "m-2", Body = """{"productId":"SKU-1","orderId":"ORD-7","userId":"USR-1"}""" }, Services);

        Assert.Equal(MessageProcessingStatus.Replayed, second.Status);
        // The pipeline's replay hands back the stored JSON (it does not know the handler's result type).
        var firstReceipt = Assert.IsType<ShipmentReceipt>(first.Response);
        var replayed = System.Text.Json.JsonSerializer.Deserialize<ShipmentReceipt>(System.Text.Json.JsonSerializer.Serialize(second.Response), System.Text.Json.JsonSerializerOptions.Web);
        Assert.Equal(firstReceipt, replayed);
        Assert.Equal(1, api.CallCount);
    }

    [Fact]
    public async Task Given_no_idempotency_middleware_Then_no_key_reaches_the_carrier()
    {
        var api = new FakeShippingApi();
        var pipeline = new MessagePipelineBuilder<Order>().Build<ShipmentReceipt>(new ShipOrderHandler(api));

        await pipeline.ProcessAsync(Message("m-1", new Order("ORD-7", "USR-1", "SKU-1")), Services);

        Assert.Null(Assert.Single(api.Calls).IdempotencyKey);
    }

    [Fact]
    public async Task Given_an_order_without_an_id_Then_the_message_fails_instead_of_shipping_unguarded()
    {
        var api = new FakeShippingApi();
        var pipeline = IdempotentPipeline(new InMemoryIdempotencyStore(), api);

        var result = await pipeline.ProcessAsync(new IncomingMessage { MessageId = "m-1", Body = """{"userId":"USR-1","productId":"SKU-1"}""" }, Services);

        Assert.Equal(MessageProcessingStatus.Failed, result.Status);
        Assert.Equal(0, api.CallCount);
    }
}
