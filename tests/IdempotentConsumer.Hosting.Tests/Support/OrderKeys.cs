using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>Computes the record key the worker uses for an order, to look at its record in the shared store.</summary>
public static class OrderKeys
{
    private static readonly IdempotencyExecutor KeyMaker = new(
        new InMemoryIdempotencyStore(),
        new IdempotencyOptions { KeyPrefix = WorkerHosts.KeyPrefix, KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId) });

    public static string Of(Order order) =>
        KeyMaker.TryGetKey(new IdempotencyInvocation<Order>(order), out var key) ? key : throw new InvalidOperationException("no key");
}
