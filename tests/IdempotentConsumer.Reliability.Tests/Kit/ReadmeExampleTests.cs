using System.Collections.Concurrent;
using IdempotentConsumer.Testing.Storm;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Kit;

/// <summary>The example of docs/testing-kit.md, verbatim, so the documentation keeps compiling and passing.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task Shipping_happens_once_per_order_under_a_storm()
    {
        var shipping = new FakeShippingApi(); // your fake of the downstream API; it dedups on the key
        var report = await IdempotencyStorm.For<Order>(o => o.OrderId)
            .WithMessages(300, i => new Order($"order-{i}"))
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct)) // true = shipped now
            .WithDuplicateSends(0.3).WithRedeliveries(0.05).WithConsumers(8)
            .WithCrashAfterSideEffect(0.05).WithStoreFaults(0.01)
            .RunAsync();
        report.AssertEffectivelyOnce();
    }

    public sealed record Order(string OrderId);

    private sealed class FakeShippingApi
    {
        private readonly ConcurrentDictionary<string, string> _shipped = new(StringComparer.Ordinal);

        public ValueTask<bool> ShipAsync(string orderId, string idempotencyKey, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_shipped.TryAdd(idempotencyKey, orderId));
    }
}
