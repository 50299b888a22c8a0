using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>What a handler sees of the SQS record: the neutral message and the typed Lambda transport message.</summary>
public sealed class TransportMessageTests
{
    [Fact]
    public async Task Given_a_binary_message_attribute_When_the_record_is_handled_Then_it_is_base64_in_the_attributes_and_bytes_in_the_transport_message()
    {
        var record = SqsEvents.OrderRecord("m-1", "o-1");
        record.MessageAttributes["checksum"] = new SQSEvent.MessageAttribute { DataType = "Binary", BinaryValue = new MemoryStream([1, 2, 3, 4]) };
        record.MessageAttributes["tenant"] = new SQSEvent.MessageAttribute { DataType = "String", StringValue = "acme" };
        string? base64 = null, tenant = null;
        LambdaSqsTransportMessage? transport = null;
        var processor = Processors.OrderBuilder(new InMemoryIdempotencyStore()).Handle((_, context, _) =>
        {
            base64 = context.Attributes["checksum"];
            tenant = context.Attributes["tenant"];
            transport = context.Incoming.Transport as LambdaSqsTransportMessage;
            return ValueTask.CompletedTask;
        });

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(record), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal("AQIDBA==", base64);
        Assert.Equal("acme", tenant);
        Assert.NotNull(transport);
        var checksum = transport.MessageAttributes["checksum"];
        Assert.Equal("Binary", checksum.DataType);
        Assert.Null(checksum.StringValue);
        Assert.Equal([1, 2, 3, 4], checksum.BinaryValue!.Value.ToArray());
        Assert.Same(record, transport.Record);
        Assert.Equal(SqsEvents.StandardArn, transport.QueueArnOrUrl);
        Assert.Equal("rh-m-1", transport.ReceiptHandle);
    }

    [Fact]
    public async Task Given_a_fifo_record_When_handled_Then_the_context_extensions_read_the_record_and_invocation_from_the_typed_transport()
    {
        var record = SqsEvents.FifoRecord("m-1", "g-1", SqsEvents.OrderJson("o-1"), "dedup-1");
        var lambdaContext = LambdaContexts.Create();
        SQSEvent.SQSMessage? seenRecord = null;
        Amazon.Lambda.Core.ILambdaContext? seenContext = null;
        SqsTransportMessage? sqs = null;
        var processor = Processors.OrderBuilder(new InMemoryIdempotencyStore()).Handle((_, context, _) =>
        {
            seenRecord = context.GetSqsRecord();
            seenContext = context.GetLambdaContext();
            sqs = context.Incoming.Transport as SqsTransportMessage;
            Assert.Equal("dedup-1", context.Incoming.MessageDeduplicationId);
            return ValueTask.CompletedTask;
        });

        await processor.ProcessAsync(SqsEvents.Of(record), lambdaContext);

        Assert.Same(record, seenRecord);
        Assert.Same(lambdaContext, seenContext);
        Assert.Equal("g-1", sqs!.MessageGroupId);
        Assert.True(sqs.IsFromFifoQueue);
    }
}
