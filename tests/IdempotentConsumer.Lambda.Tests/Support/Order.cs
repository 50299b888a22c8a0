namespace IdempotentConsumer.Lambda.Tests.Support;

/// <summary>The demo's order message.</summary>
public sealed record Order(string OrderId, string UserId, string ProductId, decimal Amount = 0);
