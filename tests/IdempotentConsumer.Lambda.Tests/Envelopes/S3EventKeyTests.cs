using System.Text.Json;
using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Envelopes;

/// <summary>
/// The S3 envelope's default key: one key per event, not per object. S3 sends a sequencer only for PUT and DELETE,
/// so every other event type on one object must still be told apart, while a re-sent event keeps its key.
/// </summary>
public sealed class S3EventKeyTests
{
    private const string Bucket = "example-order-inbox";
    private const string ObjectKey = "incoming/order+5001.json";
    private const string ETag = "d41d8cd98f00b204e9800998ecf8427e";

    private readonly InMemoryIdempotencyStore _store = new();
    private readonly List<string> _handled = [];

    // The event types S3 can send about one object, shaped as S3 sends them: only PUT and DELETE carry a sequencer.
    private static readonly (string MessageId, string Body)[] EventsOnOneObject =
    [
        ("put", S3Event("ObjectCreated:Put", "2024-06-10T06:13:20.512Z", eTag: ETag, sequencer: "0055AED6DCD90281E5")),
        ("tagging", S3Event("ObjectTagging:Put", "2024-06-10T06:14:01.100Z", eTag: ETag)),
        ("restore", S3Event("ObjectRestore:Completed", "2024-06-10T07:00:00.000Z", eTag: ETag)),
        ("acl", S3Event("ObjectAcl:Put", "2024-06-10T07:05:00.250Z", eTag: ETag)),
        ("lifecycle", S3Event("LifecycleExpiration:Delete", "2024-06-11T00:00:00.000Z", sequencer: "0055AED6DCD90281F0")),
    ];

    [Fact]
    public async Task Given_put_tagging_restore_acl_and_lifecycle_events_on_one_object_When_one_batch_runs_Then_each_is_handled_once()
    {
        var result = await Processor().ProcessBatchAsync(SqsEvents.Of([.. EventsOnOneObject.Select(e => SqsEvents.Record(e.MessageId, e.Body))]), LambdaContexts.Create());

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.All(result.Records, r => Assert.Equal(SqsRecordStatus.Succeeded, r.Status));
        Assert.Equal(EventsOnOneObject.Select(e => EventName(e.Body)).Order(), _handled.Order());
        Assert.Equal(EventsOnOneObject.Length, result.Records.Select(r => r.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task Given_two_tagging_events_on_one_object_version_When_they_arrive_Then_their_event_times_keep_them_apart()
    {
        var first = S3Event("ObjectTagging:Put", "2024-06-10T06:14:01.100Z", eTag: ETag, versionId: "v1");
        var second = S3Event("ObjectTagging:Put", "2024-06-10T06:20:00.000Z", eTag: ETag, versionId: "v1");

        var result = await Processor().ProcessBatchAsync(SqsEvents.Of(SqsEvents.Record("t1", first), SqsEvents.Record("t2", second)), LambdaContexts.Create());

        Assert.All(result.Records, r => Assert.Equal(SqsRecordStatus.Succeeded, r.Status));
        Assert.Equal(2, _handled.Count);
    }

    [Fact]
    public async Task Given_an_event_S3_sends_again_When_the_copy_arrives_in_a_later_batch_Then_it_replays_without_running()
    {
        var processor = Processor();
        var batch = SqsEvents.Of([.. EventsOnOneObject.Select(e => SqsEvents.Record(e.MessageId, e.Body))]);
        await processor.ProcessBatchAsync(batch, LambdaContexts.Create());

        var resent = await processor.ProcessBatchAsync(
            SqsEvents.Of([.. EventsOnOneObject.Select(e => SqsEvents.Record(e.MessageId + "-again", e.Body, receiveCount: 1))]),
            LambdaContexts.Create());

        Assert.Empty(resent.Response.BatchItemFailures);
        Assert.All(resent.Records, r => Assert.Equal(SqsRecordStatus.Replayed, r.Status));
        Assert.Equal(EventsOnOneObject.Length, _handled.Count);
    }

    private SqsBatchProcessor<S3EventNotification> Processor() =>
        SqsBatchProcessor.For<S3EventNotification>("s3-ingest")
            .WithStore(_store)
            .WithEnvelope(SqsEnvelope.S3)
            .WithoutRetry()
            .Configure(o => o.MaxConcurrency = 1)
            .Handle((notification, _) =>
            {
                _handled.Add(Assert.Single(notification.Records).EventName!);
                return ValueTask.CompletedTask;
            });

    private static string EventName(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("Records")[0].GetProperty("eventName").GetString()!;

    private static string S3Event(string eventName, string eventTime, string? eTag = null, string? sequencer = null, string? versionId = null)
    {
        var obj = new Dictionary<string, object> { ["key"] = ObjectKey };
        if (eTag is not null)
        {
            obj["eTag"] = eTag;
        }

        if (versionId is not null)
        {
            obj["versionId"] = versionId;
        }

        if (sequencer is not null)
        {
            obj["sequencer"] = sequencer;
        }

        var record = new Dictionary<string, object>
        {
            ["eventVersion"] = "2.1",
            ["eventSource"] = "aws:s3",
            ["awsRegion"] = "eu-west-1",
            ["eventTime"] = eventTime,
            ["eventName"] = eventName,
            ["s3"] = new Dictionary<string, object>
            {
                ["s3SchemaVersion"] = "1.0",
                ["bucket"] = new Dictionary<string, object> { ["name"] = Bucket, ["arn"] = $"arn:aws:s3:::{Bucket}" },
                ["object"] = obj,
            },
        };
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["Records"] = new[] { record } });
    }
}
