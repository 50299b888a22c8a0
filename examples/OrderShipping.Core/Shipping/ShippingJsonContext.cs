using System.Text.Json;
using System.Text.Json.Serialization;
using OrderShipping.Orders;

namespace OrderShipping.Shipping;

/// <summary>
/// Source-generated JSON (web defaults: camelCase) for the order and the carrier's request and receipt, so the
/// consumers run without reflection-based serialization, as Native AOT requires.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(ShipmentRequest))]
[JsonSerializable(typeof(ShipmentReceipt))]
// A stored response is read back untyped (as a JsonElement) where the consumer only needs to know it completed.
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class ShippingJsonContext : JsonSerializerContext;
