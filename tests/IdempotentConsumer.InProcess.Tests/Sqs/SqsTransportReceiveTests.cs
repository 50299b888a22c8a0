using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using Xunit;

namespace IdempotentConsumer.InProcess.Tests.Sqs;

/// <summary>Receives: long polling, MaxMessages, system and message attributes.</summary>
public sealed class SqsTransportReceiveTests : SqsTransportTestBase
{
    [Fact]
    public async Task Given_an_empty_queue_When_a_long_poll_waits_and_a_message_is_sent_Then_the_poll_returns_it_without_the_clock_moving()
    {
        var queue = NewQueue();
        var poll = Transport.ReceiveAsync(new SqsReceiveRequest { QueueUrl = queue, WaitTime = TimeSpan.FromSeconds(20) }, CancellationToken.None).AsTask();
        await Task.Delay(20);
        Assert.False(poll.IsCompleted);

        await Transport.SendAsync(queue, "late");

        Assert.Equal("late", Assert.Single(await poll.WaitAsync(TimeSpan.FromSeconds(10))).Body);
    }

    [Fact]
    public async Task Given_an_empty_queue_When_a_long_poll_is_cancelled_Then_it_ends_with_cancellation()
    {
        var queue = NewQueue();
        using var stop = new CancellationTokenSource();
        var poll = Transport.ReceiveAsync(new SqsReceiveRequest { QueueUrl = queue, WaitTime = TimeSpan.FromSeconds(20) }, stop.Token).AsTask();

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Given_an_empty_queue_When_the_long_poll_wait_passes_Then_it_returns_empty()
    {
        var queue = NewQueue();
        var poll = Transport.ReceiveAsync(new SqsReceiveRequest { QueueUrl = queue, WaitTime = TimeSpan.FromSeconds(5) }, CancellationToken.None).AsTask();

        Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Empty(await poll.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Given_twelve_messages_When_a_receive_asks_for_three_Then_it_gets_three()
    {
        var queue = NewQueue();
        for (var i = 0; i < 12; i++)
        {
            await Transport.SendAsync(queue, $"m{i}");
        }

        Assert.Equal(3, (await ReceiveAsync(queue, maxMessages: 3)).Count);
    }

    [Fact]
    public async Task Given_string_number_and_binary_attributes_When_the_message_is_received_Then_each_comes_back_with_its_type_and_value()
    {
        var queue = NewQueue();
        byte[] payload = [0, 1, 2, 254, 255];
        await Transport.SendAsync(queue, "x", new Dictionary<string, SqsMessageAttribute>
        {
            ["tenant"] = new("String", "acme", null),
            ["priority"] = new("Number.int", "3", null),
            ["signature"] = new("Binary", null, payload),
        });
        payload[0] = 9; // the producer reusing its buffer changes nothing queued

        var message = await ReceiveOneAsync(queue);

        Assert.Equal(new SqsMessageAttribute("String", "acme", null), message.MessageAttributes["tenant"]);
        Assert.Equal("3", message.MessageAttributes["priority"].StringValue);
        Assert.Equal("Number.int", message.MessageAttributes["priority"].DataType);
        Assert.Equal("Binary", message.MessageAttributes["signature"].DataType);
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, message.MessageAttributes["signature"].BinaryValue!.Value.ToArray());
    }

    [Fact]
    public async Task Given_a_binary_attribute_without_bytes_When_it_is_sent_Then_the_send_is_refused()
    {
        var queue = NewQueue();

        await Assert.ThrowsAsync<ArgumentException>(() => Transport.SendAsync(queue, "x", new Dictionary<string, SqsMessageAttribute>
        {
            ["signature"] = new("Binary", "not bytes", null),
        }).AsTask());
    }

    [Fact]
    public async Task Given_a_sent_message_When_it_is_received_Then_it_carries_the_receive_count_and_the_sent_timestamp()
    {
        var queue = NewQueue();
        var sentAt = Clock.GetUtcNow();
        await Transport.SendAsync(queue, "x");
        Clock.Advance(TimeSpan.FromSeconds(3));

        var message = await ReceiveOneAsync(queue);

        Assert.Equal("1", message.Attributes[SqsSystemAttributes.ApproximateReceiveCount]);
        Assert.Equal(sentAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), message.Attributes[SqsSystemAttributes.SentTimestamp]);
        Assert.Null(message.MessageGroupId);
        Assert.False(message.IsFromFifoQueue);
    }
}
