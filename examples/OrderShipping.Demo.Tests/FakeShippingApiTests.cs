using OrderShipping.Shipping;

namespace OrderShipping.Demo.Tests;

public sealed class FakeShippingApiTests
{
    private static readonly ShipmentRequest Request = new("ORD-1", "USR-1", "SKU-1");

    [Fact]
    public async Task Given_a_key_already_used_When_the_same_key_is_sent_again_Then_the_first_shipment_is_returned_and_nothing_ships()
    {
        var api = new FakeShippingApi();

        var first = await api.ShipAsync(Request, "key-1", CancellationToken.None);
        var second = await api.ShipAsync(Request, "key-1", CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(1, api.ShipmentCount);
        Assert.Equal(2, api.CallCount);
        Assert.Equal(1, api.IdempotencyKeyHits);
        Assert.Equal(1, api.ShipmentsFor("ORD-1"));
        Assert.Equal([false, true], api.Calls.Select(call => call.AnsweredFromIdempotencyKey));
    }

    [Fact]
    public async Task Given_no_key_When_the_order_is_sent_twice_Then_it_ships_twice()
    {
        var api = new FakeShippingApi();

        var first = await api.ShipAsync(Request, null, CancellationToken.None);
        var second = await api.ShipAsync(Request, null, CancellationToken.None);

        Assert.NotEqual(first.ShipmentId, second.ShipmentId);
        Assert.Equal(2, api.ShipmentsFor("ORD-1"));
        Assert.Equal(0, api.IdempotencyKeyHits);
    }

    [Fact]
    public async Task Given_a_carrier_that_ignores_keys_When_the_same_key_is_sent_twice_Then_it_ships_twice()
    {
        var api = new FakeShippingApi(honourIdempotencyKey: false);

        await api.ShipAsync(Request, "key-1", CancellationToken.None);
        await api.ShipAsync(Request, "key-1", CancellationToken.None);

        Assert.Equal(2, api.ShipmentCount);
    }

    [Fact]
    public async Task Given_many_concurrent_calls_with_one_key_Then_exactly_one_parcel_ships()
    {
        var api = new FakeShippingApi(TimeSpan.FromMilliseconds(1));

        var receipts = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => api.ShipAsync(Request, "key-1", CancellationToken.None).AsTask()));

        Assert.Single(receipts.Select(receipt => receipt.ShipmentId).Distinct());
        Assert.Equal(1, api.ShipmentCount);
        Assert.Equal(31, api.IdempotencyKeyHits);
    }

    [Fact]
    public async Task Given_different_keys_for_different_orders_Then_each_order_ships_once()
    {
        var api = new FakeShippingApi();

        await api.ShipAsync(Request, "key-1", CancellationToken.None);
        await api.ShipAsync(Request with { OrderId = "ORD-2" }, "key-2", CancellationToken.None);

        Assert.Equal(2, api.ShippedOrderCount);
        Assert.Equal(new Dictionary<string, int> { ["ORD-1"] = 1, ["ORD-2"] = 1 }, api.ShipmentsPerOrder());
    }
}
