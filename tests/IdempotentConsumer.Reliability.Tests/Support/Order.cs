namespace IdempotentConsumer.Reliability.Tests.Support;

/// <summary>The demo's order message.</summary>
public sealed record Order(string OrderId, string UserId, string ProductId)
{
    /// <summary>The i-th order of a storm.</summary>
    public static Order Numbered(int index) => new($"order-{index:D6}", $"user-{index % 97}", $"product-{index % 13}");
}
