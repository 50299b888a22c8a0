using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>Through the batch processor: empty composite keys never join two users' records, and wrong-shape bodies are malformed.</summary>
public sealed class KeyCollisionTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _purchases = new();

    public static TheoryData<string> CompositeKeys => ["jmespath", "selector"];

    [Theory]
    [MemberData(nameof(CompositeKeys))]
    public async Task Given_two_users_whose_composite_keys_are_both_null_When_the_batch_runs_Then_each_is_handled_and_neither_shares_a_record(string keyKind)
    {
        var builder = SqsBatchProcessor.For<Checkout>("checkout").WithStore(_store).WithoutRetry();
        builder = keyKind == "jmespath" ? builder.WithKeyJmesPath("[user.uid, orderId]") : builder.WithKey(c => new { c.User?.Uid, c.OrderId });
        var processor = builder.Handle((checkout, _) =>
        {
            _purchases.Record(checkout.Item);
            return ValueTask.CompletedTask;
        });
        var batch = SqsEvents.Of(
            SqsEvents.Record("m-alice", """{"user":{"uid":null},"orderId":null,"item":"book"}"""),
            SqsEvents.Record("m-bob", """{"user":null,"item":"car"}"""));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.All(result.Records, r => Assert.Equal(SqsRecordStatus.Succeeded, r.Status));
        Assert.Equal(1, _purchases["book"]);
        Assert.Equal(1, _purchases["car"]);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Given_two_users_whose_composite_keys_are_null_and_keys_are_required_When_the_batch_runs_Then_both_fail_as_KeyMissing()
    {
        var processor = SqsBatchProcessor.For<Checkout>("checkout")
            .WithStore(_store)
            .WithoutRetry()
            .WithKeyJmesPath("[user.uid, orderId]")
            .WithIdempotency(o => o.ThrowOnMissingKey = true)
            .Handle((checkout, _) =>
            {
                _purchases.Record(checkout.Item);
                return ValueTask.CompletedTask;
            });
        var batch = SqsEvents.Of(
            SqsEvents.Record("m-alice", """{"user":{"uid":null},"orderId":null,"item":"book"}"""),
            SqsEvents.Record("m-bob", """{"item":"car"}"""));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create());

        Assert.Equal(2, result.Response.BatchItemFailures.Count);
        Assert.All(result.Records, r => Assert.IsType<Exceptions.IdempotencyKeyMissingException>(r.Error));
        Assert.All(result.Records, r => Assert.Equal(SqsRecordFailureReason.Poison, r.Reason));
        Assert.Equal(0, _purchases.Total);
        Assert.Equal(0, _store.Count);
    }

    [Theory]
    [InlineData("""{"unexpected":true}""")]
    [InlineData("""{"orderId":null,"userId":"u-1","productId":"p-1"}""")]
    public async Task Given_a_body_of_the_wrong_shape_between_good_orders_When_the_batch_runs_Then_only_it_fails_as_MalformedBody(string body)
    {
        var processor = Processors.Shipping(_store, _purchases);
        var batch = SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.Record("m-bad", body), SqsEvents.OrderRecord("m-3", "o-3"));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create());

        Assert.Equal("m-bad", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(SqsRecordFailureReason.Poison, result.Records[1].Reason);
        Assert.IsType<Exceptions.MessageDeserializationException>(result.Records[1].Error);
        Assert.Equal(1, _purchases["o-1"]);
        Assert.Equal(1, _purchases["o-3"]);
        Assert.Equal(2, _store.Count);
    }

    /// <summary>A checkout whose key members may be null.</summary>
    public sealed record Checkout(string Item, CheckoutUser? User = null, string? OrderId = null);

    /// <summary>The buyer, when known.</summary>
    public sealed record CheckoutUser(string? Uid = null);
}
