using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.BadInput;

/// <summary>
/// A body holding an unpaired surrogate as a raw character (not a JSON escape) fails before any store is
/// involved, so it is checked once rather than per store. It cannot travel over SQS (which refuses such
/// bodies), so the adapters' bad-input tests use the escaped form instead.
/// </summary>
public sealed class RawLoneSurrogateTests
{
    [Fact]
    public async Task Given_a_raw_lone_surrogate_in_a_typed_order_When_the_pipeline_runs_Then_only_it_fails_with_a_typed_error()
    {
        var batch = new BadInputBatch<Order>(new InMemoryIdempotencyStore(), IdempotencyKeySource.From<Order>(o => o.OrderId), o => o.OrderId);

        var result = await batch.RunAsync("{\"orderId\":\"order-\ud800\",\"userId\":\"u\",\"productId\":\"p\"}");

        batch.AssertFailedWith(result, typeof(MessageDeserializationException));
    }
}
