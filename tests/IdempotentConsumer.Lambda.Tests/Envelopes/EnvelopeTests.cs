using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Envelopes;

public sealed class EnvelopeTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _effects = new();

    private SqsBatchProcessor<Order> OrderProcessor(SqsEnvelope envelope, bool keyByOrderId = false)
    {
        var builder = SqsBatchProcessor.For<Order>("orders").WithStore(_store).WithEnvelope(envelope).Configure(o => o.MaxConcurrency = 1);
        if (keyByOrderId)
        {
            builder.WithKey(o => o.OrderId);
        }

        return builder.Handle((order, _) =>
        {
            _effects.Record(order.OrderId);
            return ValueTask.CompletedTask;
        });
    }

    [Fact]
    public async Task Given_SNS_notifications_in_SQS_When_processed_Then_the_handler_gets_the_inner_message_and_the_SNS_MessageId_dedupes()
    {
        var result = await OrderProcessor(SqsEnvelope.Sns).ProcessBatchAsync(FixtureFiles.Load("sqs-sns.json"), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal([SqsRecordStatus.Succeeded, SqsRecordStatus.Replayed, SqsRecordStatus.Succeeded], result.Records.Select(r => r.Status));
        Assert.Equal(1, _effects["o-3001"]);
        Assert.Equal(1, _effects["o-3002"]);
    }

    [Fact]
    public async Task Given_EventBridge_events_in_SQS_When_processed_Then_the_handler_gets_detail_and_the_event_id_dedupes()
    {
        var result = await OrderProcessor(SqsEnvelope.EventBridge).ProcessBatchAsync(FixtureFiles.Load("sqs-eventbridge.json"), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(SqsRecordStatus.Replayed, result.Records[1].Status);
        Assert.Equal(1, _effects["o-4001"]);
        Assert.Equal(1, _effects["o-4002"]);
    }

    [Fact]
    public async Task Given_an_envelope_and_an_explicit_key_When_two_SNS_messages_carry_the_same_order_Then_the_payload_key_wins()
    {
        var batch = SqsEvents.Of(
            SqsEvents.Record("m-1", Sns("sns-1", SqsEvents.OrderJson("o-9"))),
            SqsEvents.Record("m-2", Sns("sns-2-producer-republished", SqsEvents.OrderJson("o-9"))));

        var byEnvelope = await OrderProcessor(SqsEnvelope.Sns).ProcessBatchAsync(batch, LambdaContexts.Create());
        Assert.Equal(2, _effects["o-9"]);

        _store.Clear();
        var byOrder = await OrderProcessor(SqsEnvelope.Sns, keyByOrderId: true).ProcessBatchAsync(batch, LambdaContexts.Create());
        Assert.Equal(3, _effects["o-9"]);
        Assert.Equal(SqsRecordStatus.Replayed, byOrder.Records[1].Status);
        Assert.True(byEnvelope.AllSucceeded);
    }

    [Fact]
    public async Task Given_S3_notifications_in_SQS_When_processed_Then_the_test_event_is_ignored_the_redelivery_replays_and_an_overwrite_runs()
    {
        var seen = new List<(string Key, string Sequencer, long? Size)>();
        var processor = SqsBatchProcessor.For<S3EventNotification>("s3-ingest")
            .WithStore(_store)
            .WithEnvelope(SqsEnvelope.S3)
            .Configure(o => o.MaxConcurrency = 1)
            .Handle((notification, _) =>
            {
                var record = Assert.Single(notification.Records);
                Assert.Equal("example-order-inbox", record.S3!.Bucket!.Name);
                Assert.Equal("ObjectCreated:Put", record.EventName);
                seen.Add((record.S3.Object!.Key!, record.S3.Object.Sequencer!, record.S3.Object.Size));
                return ValueTask.CompletedTask;
            });

        var result = await processor.ProcessBatchAsync(FixtureFiles.Load("sqs-s3.json"), LambdaContexts.Create(out var log));

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.Equal([SqsRecordStatus.Ignored, SqsRecordStatus.Succeeded, SqsRecordStatus.Replayed, SqsRecordStatus.Succeeded], result.Records.Select(r => r.Status));
        Assert.Equal([("incoming/order+5001.json", "0055AED6DCD90281E5", 2048L), ("incoming/order+5001.json", "0055AED6DCD90281F9", 4096L)], seen.Select(s => (s.Key, s.Sequencer, s.Size ?? 0)));
        Assert.Equal("s3:TestEvent", Assert.Single(log.EntriesFor("d0000001-0000-4000-8000-000000000001")).GetProperty("ignoreReason").GetString());
    }

    [Theory]
    [InlineData("sns", "{\"orderId\":\"o-1\"}", "raw message delivery: no Message")]
    [InlineData("sns", "{\"Type\":\"SubscriptionConfirmation\",\"Message\":\"confirm\",\"MessageId\":\"x\"}", "not a Notification")]
    [InlineData("eventbridge", "{\"id\":\"e-1\",\"source\":\"x\"}", "no detail")]
    [InlineData("s3", "{\"Records\":[]}", "no records")]
    [InlineData("s3", "{\"Records\":[{\"s3\":{\"bucket\":{}}}]}", "no bucket name or object key")]
    [InlineData("sns", "not json at all", "not JSON")]
    [InlineData("eventbridge", "", "empty body")]
    public async Task Given_a_body_that_is_not_the_envelopes_shape_When_processed_Then_only_that_record_fails_as_MalformedBody(string envelope, string body, string because)
    {
        var processor = OrderProcessor(envelope switch { "sns" => SqsEnvelope.Sns, "eventbridge" => SqsEnvelope.EventBridge, _ => SqsEnvelope.S3 });
        var good = envelope switch
        {
            "sns" => Sns("sns-ok", SqsEvents.OrderJson("o-ok")),
            "eventbridge" => """{"id":"e-ok","detail":{"orderId":"o-ok","userId":"u","productId":"p"}}""",
            _ => null,
        };
        var records = good is null ? [SqsEvents.Record("m-bad", body)] : new[] { SqsEvents.Record("m-ok", good), SqsEvents.Record("m-bad", body) };

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(records), LambdaContexts.Create());

        Assert.True("m-bad" == Assert.Single(result.Response.BatchItemFailures).ItemIdentifier, because);
        Assert.Equal(SqsRecordFailureReason.Poison, result.Records[^1].Reason);
        Assert.IsType<Exceptions.MessageDeserializationException>(result.Records[^1].Error);
        Assert.Equal(good is null ? 0 : 1, _effects.Total);
    }

    [Fact]
    public void Given_an_S3_notification_with_several_records_When_opened_Then_the_default_key_names_every_event()
    {
        var body = """{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k1","sequencer":"01"}}},{"eventName":"ObjectTagging:Put","eventTime":"2024-06-10T06:00:00.000Z","s3":{"bucket":{"name":"b"},"object":{"key":"k2","eTag":"e2"}}}]}""";

        var content = SqsEnvelope.S3.Open(SqsEvents.Record("m", body));

        Assert.Equal("b/k1#ObjectCreated:Put#s:01\nb/k2#ObjectTagging:Put#e:e2#t:2024-06-10T06:00:00.000Z", content.DefaultKey);
        Assert.Equal(body, content.Body);
    }

    private static string Sns(string messageId, string message) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["Type"] = "Notification", ["MessageId"] = messageId, ["Message"] = message });
}
