namespace IdempotentConsumer.PostgreSql.Tests.Support;

/// <summary>The test message: ship one order.</summary>
public sealed record ShipOrder(string OrderId, int Quantity);
