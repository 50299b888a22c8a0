using Xunit;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>Send, receive, delete on a standard queue.</summary>
public sealed class DeliveryTests : QueueTestBase
{
    [Fact]
    public async Task Given_a_sent_message_When_received_Then_it_carries_its_id_body_attributes_and_a_first_receive_count()
    {
        var queue = NewQueue();
        var sentAt = Clock.GetUtcNow();
        var id = await queue.SendAsync("{\"orderId\":1}", new Dictionary<string, string> { ["traceparent"] = "00-abc" }, groupId: "user-7");
        Clock.Advance(TimeSpan.FromSeconds(2));

        var message = await ReceiveOneAsync(queue);

        Assert.Equal(id, message.MessageId);
        Assert.Equal("{\"orderId\":1}", message.Body);
        Assert.Equal("00-abc", message.Attributes["traceparent"]);
        Assert.Equal(1, message.ApproximateReceiveCount);
        Assert.Equal("user-7", message.MessageGroupId);
        Assert.Null(message.MessageDeduplicationId);
        Assert.Null(message.SequenceNumber);
        Assert.Equal(sentAt, message.SentTimestamp);
        Assert.Equal(sentAt + TimeSpan.FromSeconds(2), message.ApproximateFirstReceiveTimestamp);
        Assert.False(string.IsNullOrEmpty(message.ReceiptHandle));
    }

    [Fact]
    public async Task Given_attributes_changed_by_the_sender_after_sending_When_received_Then_the_message_keeps_the_sent_values()
    {
        var queue = NewQueue();
        var attributes = new Dictionary<string, string> { ["a"] = "1" };
        await queue.SendAsync("x", attributes);
        attributes["a"] = "2";

        Assert.Equal("1", (await ReceiveOneAsync(queue)).Attributes["a"]);
    }

    [Fact]
    public async Task Given_several_messages_When_received_with_a_batch_size_Then_at_most_that_many_come_in_send_order()
    {
        var queue = NewQueue();
        for (var index = 0; index < 5; index++)
        {
            await queue.SendAsync($"m{index}");
        }

        var first = await queue.ReceiveAsync(3, TimeSpan.Zero);
        var rest = await queue.ReceiveAsync(10, TimeSpan.Zero);

        Assert.Equal(["m0", "m1", "m2"], first.Select(message => message.Body));
        Assert.Equal(["m3", "m4"], rest.Select(message => message.Body));
    }

    [Fact]
    public async Task Given_a_received_message_When_deleted_with_its_receipt_handle_Then_it_is_never_delivered_again()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        var message = await ReceiveOneAsync(queue);

        Assert.True(await queue.DeleteAsync(message.ReceiptHandle));
        Clock.Advance(Visibility * 3);

        Assert.Empty(await ReceiveAllAsync(queue));
        var statistics = queue.Statistics;
        Assert.Equal(1, statistics.Deleted);
        Assert.Equal(0, statistics.InFlight);
        Assert.Equal(0, statistics.Visible);
    }

    [Fact]
    public async Task Given_a_deleted_message_When_deleted_again_Then_it_reports_false_as_a_stale_handle()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        var message = await ReceiveOneAsync(queue);
        await queue.DeleteAsync(message.ReceiptHandle);

        Assert.False(await queue.DeleteAsync(message.ReceiptHandle));
        Assert.False(await queue.DeleteAsync("never-issued"));
        Assert.Equal(2, queue.Statistics.StaleReceiptHandles);
    }

    [Fact]
    public async Task Given_messages_in_every_state_When_statistics_are_read_Then_the_counters_match()
    {
        var queue = NewQueue();
        await queue.SendAsync("a");
        await queue.SendAsync("b");
        await queue.SendAsync("c");
        var received = await queue.ReceiveAsync(2, TimeSpan.Zero);
        await queue.DeleteAsync(received[0].ReceiptHandle);

        var statistics = queue.Statistics;

        Assert.Equal(3, statistics.Sent);
        Assert.Equal(2, statistics.Delivered);
        Assert.Equal(1, statistics.Deleted);
        Assert.Equal(1, statistics.InFlight);
        Assert.Equal(1, statistics.Visible);
        Assert.Equal(0, statistics.Redelivered);
    }

    [Fact]
    public async Task Given_a_queue_with_messages_When_purged_Then_nothing_is_left_to_receive()
    {
        var queue = NewQueue();
        await queue.SendAsync("a");
        await ReceiveOneAsync(queue);
        await queue.SendAsync("b");

        queue.Purge();
        Clock.Advance(Visibility * 2);

        Assert.Empty(await ReceiveAllAsync(queue));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public async Task Given_a_batch_size_outside_1_to_10_When_receiving_Then_it_is_rejected(int maxMessages)
    {
        var queue = NewQueue();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await queue.ReceiveAsync(maxMessages, TimeSpan.Zero));
    }
}
