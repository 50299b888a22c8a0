using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Sqs;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

/// <summary>An SDK message, mapped to the shared transport message and by the one SQS mapper, as the worker receives it.</summary>
public sealed class SqsMessageMapperTests
{
    private static IncomingMessage Map(Message message) => SqsIncomingMessages.ToIncoming(AwsSqsTransport.ToTransportMessage(message, "https://sqs.example/q"));

    [Fact]
    public void Given_a_fifo_message_with_a_binary_attribute_When_mapped_Then_system_attributes_win_and_the_binary_value_is_base64()
    {
        var message = new Message
        {
            MessageId = "m-1",
            Body = "{\"orderId\":\"o-1\"}",
            ReceiptHandle = "rh",
            Attributes = new Dictionary<string, string>
            {
                ["ApproximateReceiveCount"] = "3",
                ["MessageGroupId"] = "user-7",
                ["MessageDeduplicationId"] = "dedup-1",
                ["SentTimestamp"] = "1700000000123",
            },
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                ["tenant"] = new() { DataType = "String", StringValue = "acme" },
                ["MessageGroupId"] = new() { DataType = "String", StringValue = "spoofed" },
                ["blob"] = new() { DataType = "Binary", BinaryValue = new MemoryStream([1, 2]) },
            },
        };

        var incoming = Map(message);

        Assert.Equal("m-1", incoming.MessageId);
        Assert.Equal("{\"orderId\":\"o-1\"}", incoming.Body);
        Assert.Equal(3, incoming.ReceiveCount);
        Assert.Equal("user-7", incoming.MessageGroupId);
        Assert.Equal("dedup-1", incoming.MessageDeduplicationId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123), incoming.SentTimestamp);
        Assert.Equal("acme", incoming.Attributes["tenant"]);
        Assert.Equal("user-7", incoming.Attributes["MessageGroupId"]);
        Assert.Equal("AQI=", incoming.Attributes["blob"]); // binary attributes arrive base64, as in the Lambda adapter
        var transport = Assert.IsAssignableFrom<SqsTransportMessage>(incoming.Transport);
        Assert.Equal([1, 2], transport.MessageAttributes["blob"].BinaryValue!.Value.ToArray());
        Assert.Equal("rh", transport.ReceiptHandle);
    }

    [Fact]
    public void Given_the_sdk_left_collections_null_When_mapped_Then_defaults_are_used()
    {
        var incoming = Map(new Message { MessageId = "m-2", Body = null, Attributes = null, MessageAttributes = null });

        Assert.Equal(1, incoming.ReceiveCount);
        Assert.Null(incoming.MessageGroupId);
        Assert.Null(incoming.MessageDeduplicationId);
        Assert.Null(incoming.SentTimestamp);
        Assert.Equal(string.Empty, incoming.Body);
        Assert.Empty(incoming.Attributes);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-4")]
    [InlineData("many")]
    public void Given_a_nonsense_receive_count_When_mapped_Then_it_counts_as_the_first_delivery(string count)
    {
        var incoming = Map(new Message
        {
            MessageId = "m",
            Body = "x",
            Attributes = new Dictionary<string, string> { ["ApproximateReceiveCount"] = count },
        });

        Assert.Equal(1, incoming.ReceiveCount);
    }
}
