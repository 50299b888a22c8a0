using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>The Lambda adapter keyed by the producer's key attribute: the SQS mapper hands it the record's message attributes.</summary>
public sealed class KeyAttributeTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    private static SQSEvent.SQSMessage Stamped(string messageId, string bodyOrderId, string stampedOrderId)
    {
        var record = SqsEvents.OrderRecord(messageId, bodyOrderId);
        record.MessageAttributes = new Dictionary<string, SQSEvent.MessageAttribute>
        {
            [IdempotencyKeyAttribute.DefaultName] = new() { DataType = "String", StringValue = IdempotencyHasher.Hash(stampedOrderId, IdempotencyHashAlgorithm.Sha256) },
        };
        return record;
    }

    [Fact]
    public async Task Given_records_stamped_with_one_key_When_processed_Then_they_share_one_record_whatever_their_bodies_say()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.WithKeyFromAttribute());

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(Stamped("m-1", "o-1", "o-1"), Stamped("m-2", "o-2", "o-1")), LambdaContexts.Create());

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.Equal(1, _shipments.Total);
        Assert.Single(result.Records.Select(r => r.IdempotencyKey).Distinct());
        Assert.EndsWith(IdempotencyHasher.Hash("o-1", IdempotencyHashAlgorithm.Sha256), result.Records[0].IdempotencyKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_stamped_record_and_an_unstamped_copy_When_processed_with_the_body_key_fallback_Then_both_meet_the_same_record()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.WithKeyFromAttribute());

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(Stamped("m-1", "o-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-1")), LambdaContexts.Create());

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.Equal(1, _shipments["o-1"]);
        Assert.Single(result.Records.Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task Given_an_unstamped_record_When_the_attribute_is_required_Then_it_fails_as_poison_and_does_not_ship()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.WithKeyFromAttribute(fallback: KeyAttributeFallback.Fail));

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.Equal("m-1", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        Assert.IsType<IdempotencyKeyMissingException>(result.Records[0].Error);
        Assert.Equal(SqsRecordFailureReason.Poison, result.Records[0].Reason);
        Assert.Equal(0, _shipments.Total);
    }
}
