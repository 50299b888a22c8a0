namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>The demo's message, with knobs the test handler obeys.</summary>
/// <param name="OrderId">The idempotency key.</param>
/// <param name="UserId">The FIFO group in FIFO tests.</param>
/// <param name="ProductId">What is shipped.</param>
/// <param name="Sequence">Send order within the group.</param>
/// <param name="DelayMs">How long the handler works before shipping.</param>
/// <param name="Poison">The handler always throws.</param>
public sealed record Order(string OrderId, string UserId, string ProductId, int Sequence = 0, int DelayMs = 0, bool Poison = false);
