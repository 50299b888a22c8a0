using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>FIFO queues: order and one-at-a-time per group, deduplication of sends.</summary>
public sealed class FifoTests : QueueTestBase
{
    [Fact]
    public async Task Given_two_groups_When_received_Then_only_the_head_of_each_group_is_delivered()
    {
        var queue = NewFifo();
        await queue.SendAsync("a1", groupId: "A", deduplicationId: "a1");
        await queue.SendAsync("a2", groupId: "A", deduplicationId: "a2");
        await queue.SendAsync("b1", groupId: "B", deduplicationId: "b1");

        var received = await ReceiveAllAsync(queue);

        Assert.Equal(["a1", "b1"], received.Select(message => message.Body));
        Assert.Empty(await ReceiveAllAsync(queue));
    }

    [Fact]
    public async Task Given_a_group_with_a_message_in_flight_When_it_is_deleted_Then_the_next_message_of_the_group_is_delivered()
    {
        var queue = NewFifo();
        await queue.SendAsync("a1", groupId: "A", deduplicationId: "a1");
        await queue.SendAsync("a2", groupId: "A", deduplicationId: "a2");
        var head = await ReceiveOneAsync(queue);

        await queue.DeleteAsync(head.ReceiptHandle);

        Assert.Equal("a2", (await ReceiveOneAsync(queue)).Body);
    }

    [Fact]
    public async Task Given_the_head_of_a_group_times_out_When_received_again_Then_the_head_comes_back_before_the_rest_of_the_group()
    {
        var queue = NewFifo();
        await queue.SendAsync("a1", groupId: "A", deduplicationId: "a1");
        await queue.SendAsync("a2", groupId: "A", deduplicationId: "a2");
        await ReceiveOneAsync(queue);

        Clock.Advance(Visibility);
        var again = await ReceiveAllAsync(queue);

        var redelivered = Assert.Single(again);
        Assert.Equal("a1", redelivered.Body);
        Assert.Equal(2, redelivered.ApproximateReceiveCount);
    }

    [Fact]
    public async Task Given_a_waiting_receive_on_a_locked_group_When_the_head_is_deleted_Then_the_receive_wakes_with_the_next_message()
    {
        var queue = NewFifo();
        await queue.SendAsync("a1", groupId: "A", deduplicationId: "a1");
        await queue.SendAsync("a2", groupId: "A", deduplicationId: "a2");
        var head = await ReceiveOneAsync(queue);
        var waiting = queue.ReceiveAsync(1, TimeSpan.FromSeconds(20)).AsTask();

        await queue.DeleteAsync(head.ReceiptHandle);

        Assert.Equal("a2", Assert.Single(await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Body);
    }

    [Fact]
    public async Task Given_several_messages_per_group_allowed_per_receive_When_received_Then_they_come_in_order_and_the_group_stays_locked_until_all_are_done()
    {
        var queue = NewFifo(options => options.MaxMessagesPerGroupPerReceive = 3);
        foreach (var body in new[] { "a1", "a2", "a3", "a4" })
        {
            await queue.SendAsync(body, groupId: "A", deduplicationId: body);
        }

        var batch = await ReceiveAllAsync(queue);
        Assert.Equal(["a1", "a2", "a3"], batch.Select(message => message.Body));

        await queue.DeleteAsync(batch[0].ReceiptHandle);
        await queue.DeleteAsync(batch[1].ReceiptHandle);
        Assert.Empty(await ReceiveAllAsync(queue));

        await queue.DeleteAsync(batch[2].ReceiptHandle);
        Assert.Equal("a4", (await ReceiveOneAsync(queue)).Body);
    }

    [Fact]
    public async Task Given_a_batch_of_one_group_in_flight_When_only_its_first_message_is_released_Then_the_group_stays_locked_until_the_others_are_done()
    {
        var queue = NewFifo(options => options.MaxMessagesPerGroupPerReceive = 3);
        foreach (var body in new[] { "a1", "a2", "a3" })
        {
            await queue.SendAsync(body, groupId: "A", deduplicationId: body);
        }

        var batch = await ReceiveAllAsync(queue);
        Assert.True(await queue.ChangeVisibilityAsync(batch[0].ReceiptHandle, TimeSpan.Zero));

        Assert.Empty(await ReceiveAllAsync(queue));
        await queue.DeleteAsync(batch[1].ReceiptHandle);
        await queue.DeleteAsync(batch[2].ReceiptHandle);
        var again = Assert.Single(await ReceiveAllAsync(queue));
        Assert.Equal("a1", again.Body);
        Assert.Equal(2, again.ApproximateReceiveCount);
    }

    [Fact]
    public async Task Given_a_deduplication_id_seen_within_five_minutes_When_sent_again_Then_the_first_message_id_is_returned_and_nothing_new_is_stored()
    {
        var queue = NewFifo();
        var first = await queue.SendAsync("order-1", groupId: "A", deduplicationId: "order-1");
        Clock.Advance(TimeSpan.FromMinutes(4));

        var retry = await queue.SendAsync("order-1 (retry)", groupId: "A", deduplicationId: "order-1");

        Assert.Equal(first, retry);
        Assert.Equal("order-1", (await ReceiveOneAsync(queue)).Body);
        Assert.Empty(await ReceiveAllAsync(queue));
        Assert.Equal(1, queue.Statistics.DeduplicatedSends);
        Assert.Equal(1, queue.Statistics.Sent);
    }

    [Fact]
    public async Task Given_a_deduplication_id_older_than_the_interval_When_sent_again_Then_a_new_message_is_stored()
    {
        var queue = NewFifo();
        var first = await queue.SendAsync("order-1", groupId: "A", deduplicationId: "order-1");
        Clock.Advance(TimeSpan.FromMinutes(5));

        var later = await queue.SendAsync("order-1", groupId: "A", deduplicationId: "order-1");

        Assert.NotEqual(first, later);
        Assert.Equal(2, queue.Statistics.Sent);
    }

    [Fact]
    public async Task Given_content_based_deduplication_When_the_same_body_is_sent_twice_Then_it_is_stored_once_with_the_body_hash_as_id()
    {
        var queue = NewFifo(options => options.ContentBasedDeduplication = true);

        var first = await queue.SendAsync("{\"orderId\":9}", groupId: "A");
        var second = await queue.SendAsync("{\"orderId\":9}", groupId: "B");
        await queue.SendAsync("{\"orderId\":10}", groupId: "A");

        Assert.Equal(first, second);
        var message = await ReceiveOneAsync(queue);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("{\"orderId\":9}"))), message.MessageDeduplicationId);
        Assert.Equal(2, queue.Statistics.Sent);
    }

    [Fact]
    public async Task Given_fifo_sends_When_received_Then_sequence_numbers_increase_in_send_order()
    {
        var queue = NewFifo();
        await queue.SendAsync("a", groupId: "A", deduplicationId: "a");
        await queue.SendAsync("b", groupId: "B", deduplicationId: "b");

        var received = await ReceiveAllAsync(queue);

        Assert.True(string.CompareOrdinal(received[0].SequenceNumber, received[1].SequenceNumber) < 0);
        Assert.Equal("a", received[0].MessageDeduplicationId);
        Assert.Equal("A", received[0].MessageGroupId);
    }

    [Fact]
    public async Task Given_a_poison_head_of_a_group_When_it_is_dead_lettered_Then_the_rest_of_its_group_is_delivered()
    {
        var deadLetters = NewFifo();
        var queue = NewFifo(options =>
        {
            options.MaxReceiveCount = 1;
            options.DeadLetterQueue = deadLetters;
        });
        await queue.SendAsync("a1", groupId: "A", deduplicationId: "a1");
        await queue.SendAsync("a2", groupId: "A", deduplicationId: "a2");
        await ReceiveOneAsync(queue);
        Clock.Advance(Visibility);

        Assert.Equal("a2", (await ReceiveOneAsync(queue)).Body);
        var dead = await ReceiveOneAsync(deadLetters);
        Assert.Equal("a1", dead.Body);
        Assert.Equal("A", dead.MessageGroupId);
    }

    [Fact]
    public async Task Given_a_fifo_queue_When_a_send_lacks_a_group_or_a_deduplication_id_Then_it_is_rejected()
    {
        var queue = NewFifo();

        await Assert.ThrowsAsync<ArgumentException>(async () => await queue.SendAsync("x", deduplicationId: "d"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await queue.SendAsync("x", groupId: "A"));
    }

    [Fact]
    public async Task Given_a_standard_queue_When_a_send_carries_a_deduplication_id_Then_it_is_rejected()
    {
        var queue = NewQueue();

        await Assert.ThrowsAsync<ArgumentException>(async () => await queue.SendAsync("x", deduplicationId: "d"));
    }

    private InProcessQueue NewFifo(Action<InProcessQueueOptions>? configure = null) => NewQueue(options =>
    {
        options.Fifo = true;
        configure?.Invoke(options);
    });
}
