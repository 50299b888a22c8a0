using System.Text.Json;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;

namespace IdempotentConsumer.Lambda.Tests.Json;

public sealed class LambdaSqsJsonTests
{
    [Fact]
    public void Given_the_standard_fixture_When_deserialized_Then_every_Lambda_field_is_read()
    {
        var sqsEvent = FixtureFiles.Load("sqs-standard.json");

        Assert.Equal(3, sqsEvent.Records!.Count);
        var first = sqsEvent.Records[0];
        Assert.Equal("4f1c2a7e-0b6d-4c3a-9e5f-1a2b3c4d5e01", first.MessageId);
        Assert.StartsWith("AQEB", first.ReceiptHandle);
        Assert.Contains("\"orderId\":\"o-1001\"", first.Body);
        Assert.Equal("9c2e4b1a7f0d3e5b8a6c4d2f1e0b9a87", first.Md5OfBody);
        Assert.Equal("1f3870be274f6c49b3e31a0c6728957f", first.Md5OfMessageAttributes);
        Assert.Equal("aws:sqs", first.EventSource);
        Assert.Equal("arn:aws:sqs:eu-west-1:111122223333:orders", first.EventSourceArn);
        Assert.Equal("eu-west-1", first.AwsRegion);
        Assert.Equal("1", first.Attributes!["ApproximateReceiveCount"]);
        Assert.Equal("1718000000000", first.Attributes["SentTimestamp"]);
        Assert.Equal("String", first.MessageAttributes!["traceparent"].DataType);
        Assert.StartsWith("00-4bf92f", first.MessageAttributes["traceparent"].StringValue);
        Assert.Equal("Binary", first.MessageAttributes["checksum"].DataType);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, first.MessageAttributes["checksum"].BinaryValue!.ToArray());
        Assert.Empty(first.MessageAttributes["checksum"].StringListValues!);
        Assert.Equal("3", sqsEvent.Records[2].Attributes!["ApproximateReceiveCount"]);
    }

    [Fact]
    public void Given_the_fifo_fixture_When_deserialized_Then_group_and_deduplication_ids_are_read_and_the_queue_is_fifo()
    {
        var sqsEvent = FixtureFiles.Load("sqs-fifo.json");

        Assert.All(sqsEvent.Records!, r => Assert.True(LambdaSqsTransportMessage.From(r, LambdaContexts.Create(), null).IsFromFifoQueue));
        Assert.Equal(["u-1", "u-2", "u-1", "u-1"], sqsEvent.Records!.Select(r => LambdaSqsTransportMessage.From(r, LambdaContexts.Create(), null).MessageGroupId));
        Assert.Equal("dedup-o-2001", sqsEvent.Records![3].Attributes!["MessageDeduplicationId"]);
        Assert.Equal("18886554477658537990", sqsEvent.Records![3].Attributes!["SequenceNumber"]);
    }

    [Theory]
    [InlineData("sqs-standard.json")]
    [InlineData("sqs-fifo.json")]
    [InlineData("sqs-sns.json")]
    [InlineData("sqs-eventbridge.json")]
    [InlineData("sqs-s3.json")]
    public void Given_a_fixture_When_serialized_again_Then_the_JSON_is_the_same_document_with_Lambdas_names(string fixture)
    {
        var original = FixtureFiles.Read(fixture);

        var written = LambdaSqsJson.Serialize(LambdaSqsJson.DeserializeEvent(original));

        Assert.True(JsonDeepEquals(JsonDocument.Parse(original).RootElement, JsonDocument.Parse(written).RootElement), written);
    }

    [Fact]
    public void Given_an_event_When_serialized_Then_it_uses_exactly_Lambdas_field_names()
    {
        var json = LambdaSqsJson.Serialize(FixtureFiles.Load("sqs-standard.json"));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["Records"], root.EnumerateObject().Select(p => p.Name));
        var record = root.GetProperty("Records")[0];
        Assert.Equal(
            ["messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion"],
            record.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["stringValue", "stringListValues", "binaryListValues", "dataType"],
            record.GetProperty("messageAttributes").GetProperty("traceparent").EnumerateObject().Select(p => p.Name));
        Assert.Equal("AQIDBA==", record.GetProperty("messageAttributes").GetProperty("checksum").GetProperty("binaryValue").GetString());
    }

    [Fact]
    public void Given_names_in_another_casing_When_deserialized_Then_they_are_matched_as_Lambdas_serializer_does()
    {
        var sqsEvent = LambdaSqsJson.DeserializeEvent("""{"records":[{"MessageId":"m-1","Body":"x","EventSourceArn":"arn:aws:sqs:r:1:q.fifo"}]}""");

        var record = Assert.Single(sqsEvent.Records!);
        Assert.Equal("m-1", record.MessageId);
        Assert.Equal("x", record.Body);
        Assert.Equal("arn:aws:sqs:r:1:q.fifo", record.EventSourceArn);
    }

    [Fact]
    public void Given_a_batch_response_When_serialized_Then_it_is_batchItemFailures_with_itemIdentifier()
    {
        var response = new SQSBatchResponse([new SQSBatchResponse.BatchItemFailure { ItemIdentifier = "m-2" }]);

        var json = LambdaSqsJson.Serialize(response);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-2"}]}""", json);
        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-2"}]}""", JsonSerializer.Serialize(response));
        Assert.Equal("m-2", Assert.Single(LambdaSqsJson.DeserializeBatchResponse(json).BatchItemFailures).ItemIdentifier);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{}")]
    public void Given_an_empty_response_When_read_Then_it_means_no_failures(string? json) =>
        Assert.Empty(LambdaSqsJson.DeserializeBatchResponse(json).BatchItemFailures);

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"Records":[42]}""")]
    [InlineData("not json")]
    public void Given_text_that_is_not_an_event_When_deserialized_Then_it_throws_JsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => LambdaSqsJson.DeserializeEvent(json));

    private static bool JsonDeepEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.Object => a.EnumerateObject().Count() == b.EnumerateObject().Count()
                && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var other) && JsonDeepEquals(p.Value, other)),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength()
                && a.EnumerateArray().Zip(b.EnumerateArray()).All(pair => JsonDeepEquals(pair.First, pair.Second)),
            _ => a.GetRawText() == b.GetRawText(),
        };
    }
}
