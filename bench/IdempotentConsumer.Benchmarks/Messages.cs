namespace IdempotentConsumer.Benchmarks;

/// <summary>The demo's order message.</summary>
public sealed record Order(string OrderId, string UserId, string ProductId);

/// <summary>A small handler result, stored and replayed.</summary>
public sealed record ShipmentReceipt(string ShipmentId, int Parcels);
