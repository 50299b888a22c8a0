using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BenchmarkDotNet.Attributes;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Benchmarks;

/// <summary>The pieces a message pays for, measured alone, to see where the executor's time goes.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ComponentBenchmarks
{
    private static readonly JsonTypeInfo<ShipmentReceipt> ReceiptInfo = (JsonTypeInfo<ShipmentReceipt>)JsonSerializerOptions.Web.GetTypeInfo(typeof(ShipmentReceipt));
    private readonly ShipmentReceipt _receipt = new("shp-1", 1);
    private readonly string _receiptJson = JsonSerializer.Serialize(new ShipmentReceipt("shp-1", 1), JsonSerializerOptions.Web);
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly DateTimeOffset _now = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [GlobalSetup]
    public void Setup() =>
        _store.TryBeginAsync(new BeginRequest("order-shipping#k", "owner", _now, _now.AddHours(1), _now.AddMinutes(5), null)).AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "SHA-256 key of a short id, prefixed")]
    public string HashKey() => IdempotencyHasher.HashWithPrefix("order-shipping#", "order-00000042", IdempotencyHashAlgorithm.Sha256);

    [Benchmark(Description = "owner token")]
    public string OwnerToken() => Execution.OwnerToken.New();

    [Benchmark(Description = "serialize receipt")]
    public string Serialize() => JsonSerializer.Serialize(_receipt, ReceiptInfo);

    [Benchmark(Description = "deserialize receipt")]
    public ShipmentReceipt? Deserialize() => JsonSerializer.Deserialize(_receiptJson, ReceiptInfo);

    [Benchmark(Description = "in-memory begin that loses")]
    public ValueTask<BeginResult> BeginLost() =>
        _store.TryBeginAsync(new BeginRequest("order-shipping#k", "other", _now, _now.AddHours(1), _now.AddMinutes(5), null));
}
