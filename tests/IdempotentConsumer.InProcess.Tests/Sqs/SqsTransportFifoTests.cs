using IdempotentConsumer.Sqs;
using Xunit;

namespace IdempotentConsumer.InProcess.Tests.Sqs;

/// <summary>FIFO through the transport: group order, one in flight per group, deduplication, FIFO system attributes.</summary>
public sealed class SqsTransportFifoTests : SqsTransportTestBase
{
    [Fact]
    public async Task Given_two_groups_When_consumers_receive_Then_each_group_has_one_message_in_flight_and_delivers_in_send_order()
    {
        var queue = NewQueue("orders.fifo", o => o.Fifo = true);
        foreach (var (group, body) in new[] { ("a", "a1"), ("a", "a2"), ("b", "b1"), ("a", "a3"), ("b", "b2") })
        {
            await Transport.SendAsync(queue, body, messageGroupId: group, messageDeduplicationId: body);
        }

        var first = await ReceiveAsync(queue);
        Assert.Equal(["a1", "b1"], first.Select(m => m.Body));
        Assert.Empty(await ReceiveAsync(queue));

        await DeleteAsync(queue, first[0]);
        var second = await ReceiveAsync(queue);
        Assert.Equal("a2", Assert.Single(second).Body);

        await DeleteAsync(queue, first[1]);
        await DeleteAsync(queue, second[0]);
        Assert.Equal(["a3", "b2"], (await ReceiveAsync(queue)).Select(m => m.Body));
    }

    [Fact]
    public async Task Given_a_FIFO_message_When_it_is_received_Then_it_carries_the_group_deduplication_id_and_sequence_number()
    {
        var queue = NewQueue("orders.fifo", o => o.Fifo = true);
        await Transport.SendAsync(queue, "x", messageGroupId: "customer-7", messageDeduplicationId: "order-1");

        var message = await ReceiveOneAsync(queue);

        Assert.Equal("customer-7", message.MessageGroupId);
        Assert.Equal("order-1", message.Attributes[SqsSystemAttributes.MessageDeduplicationId]);
        Assert.False(string.IsNullOrEmpty(message.Attributes[SqsSystemAttributes.SequenceNumber]));
        Assert.True(message.IsFromFifoQueue);
    }

    [Fact]
    public async Task Given_a_FIFO_send_When_it_is_repeated_with_the_same_deduplication_id_within_five_minutes_Then_only_one_message_is_stored_and_after_that_a_new_one()
    {
        var queue = NewQueue("orders.fifo", o => o.Fifo = true);
        var id = await Transport.SendAsync(queue, "x", messageGroupId: "g", messageDeduplicationId: "d");

        Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(id, await Transport.SendAsync(queue, "x", messageGroupId: "g", messageDeduplicationId: "d"));
        Assert.Equal(1, Transport.GetStatistics(queue).Visible);

        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.NotEqual(id, await Transport.SendAsync(queue, "x", messageGroupId: "g", messageDeduplicationId: "d"));
        Assert.Equal(2, Transport.GetStatistics(queue).Visible);
    }

    [Fact]
    public async Task Given_a_batch_send_When_it_lands_Then_every_entry_is_stored_in_order()
    {
        var queue = NewQueue("orders.fifo", o => o.Fifo = true);

        var ids = await Transport.SendBatchAsync(queue, [.. Enumerable.Range(1, 3).Select(i => new InProcessSqsSendEntry($"m{i}") { MessageGroupId = "g", MessageDeduplicationId = $"d{i}" })]);

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal("m1", (await ReceiveOneAsync(queue)).Body);
    }

    [Fact]
    public void Given_a_FIFO_queue_name_without_the_fifo_suffix_When_it_is_created_Then_it_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NewQueue("orders", o => o.Fifo = true));
        Assert.Throws<ArgumentException>(() => NewQueue("orders.fifo"));
    }
}
