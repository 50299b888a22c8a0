using System.Text.Json;

namespace OrderShipping.Orders;

/// <summary>The wire format of orders: camelCase JSON, as the shop's producer writes it.</summary>
public static class OrderJson
{
    /// <summary>Serializes an order to its message body.</summary>
    public static string Serialize(Order order) => JsonSerializer.Serialize(order, JsonSerializerOptions.Web);

    /// <summary>Reads a message body back into an order.</summary>
    /// <exception cref="JsonException">The body is not an order.</exception>
    public static Order Deserialize(string body) =>
        JsonSerializer.Deserialize<Order>(body, JsonSerializerOptions.Web) ?? throw new JsonException("The body is JSON null, not an order.");
}
