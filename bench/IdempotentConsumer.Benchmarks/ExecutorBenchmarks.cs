using BenchmarkDotNet.Attributes;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Benchmarks;

/// <summary>
/// Per-message cost of the executor over the in-memory store, keyed by a typed selector (the order id),
/// with a trivial handler that returns a prebuilt receipt. Everything the executor does is measured:
/// key hashing, owner token, store calls, response (de)serialization, telemetry with no listener.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ExecutorBenchmarks
{
    private const int DistinctOrders = 1 << 12;
    private static readonly ShipmentReceipt Receipt = new("shp-1", 1);

    private readonly Func<Order, CancellationToken, ValueTask<ShipmentReceipt>> _handler = static (_, _) => ValueTask.FromResult(Receipt);
    private FakeTimeProvider _time = null!;
    private IdempotencyExecutor _executor = null!;
    private IdempotencyExecutor _cachedExecutor = null!;
    private Order[] _orders = null!;
    private Order _duplicate = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        _executor = new IdempotencyExecutor(new InMemoryIdempotencyStore(), Options(useCache: false), _time);
        _cachedExecutor = new IdempotencyExecutor(new InMemoryIdempotencyStore(), Options(useCache: true), _time);
        _orders = Enumerable.Range(0, DistinctOrders).Select(i => new Order($"order-{i:D8}", "user-42", "sku-7")).ToArray();
        _duplicate = new Order("order-duplicate", "user-42", "sku-7");
        _executor.ExecuteAsync(_duplicate, _handler).AsTask().GetAwaiter().GetResult();
        _cachedExecutor.ExecuteAsync(_duplicate, _handler).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A key with no live record: begin wins, the handler runs, the record is completed.</summary>
    [Benchmark(Description = "new key (begin + handler + complete)")]
    public ValueTask<ShipmentReceipt> NewKey()
    {
        var index = _next++ & (DistinctOrders - 1);
        if (index == DistinctOrders - 1)
        {
            // Every order has been seen once: let all records expire so the next pass meets no live record again.
            _time.Advance(TimeSpan.FromHours(2));
        }

        return _executor.ExecuteAsync(_orders[index], _handler);
    }

    /// <summary>A completed duplicate: begin loses to the completed record and its response is replayed.</summary>
    [Benchmark(Description = "completed duplicate (replay from store)")]
    public ValueTask<ShipmentReceipt> CompletedDuplicate() => _executor.ExecuteAsync(_duplicate, _handler);

    /// <summary>A duplicate answered from the local cache: no store call.</summary>
    [Benchmark(Description = "cache hit (replay, no store call)")]
    public ValueTask<ShipmentReceipt> CacheHit() => _cachedExecutor.ExecuteAsync(_duplicate, _handler);

    private static IdempotencyOptions Options(bool useCache) => new()
    {
        KeyPrefix = "order-shipping",
        KeySource = IdempotencyKeySource.From<Order>(static o => o.OrderId),
        RecordExpiry = TimeSpan.FromHours(1),
        UseLocalCache = useCache,
    };
}
