using System.Text.Json.Serialization;

namespace IdempotentConsumer.Tests.Support;

/// <summary>The demo's order message.</summary>
public sealed record Order(string OrderId, string UserId, decimal Amount);

/// <summary>A handler result that is stored and replayed.</summary>
public sealed record ShipmentReceipt(string OrderId, string ShipmentId, int Attempt);

/// <summary>A message whose members are all required, for deserialization-shape tests.</summary>
public sealed class ShipOrder
{
    /// <summary>The order to ship.</summary>
    public required string OrderId { get; init; }

    /// <summary>How many items.</summary>
    public required int Quantity { get; init; }
}

/// <summary>Source-generated metadata, as an AOT consumer supplies it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(ShipmentReceipt))]
public sealed partial class TestJsonContext : JsonSerializerContext;
