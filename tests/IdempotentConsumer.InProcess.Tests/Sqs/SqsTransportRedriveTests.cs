using Xunit;

namespace IdempotentConsumer.InProcess.Tests.Sqs;

/// <summary>The redrive policy: maxReceiveCount receives, then the dead-letter queue.</summary>
public sealed class SqsTransportRedriveTests : SqsTransportTestBase
{
    [Fact]
    public async Task Given_a_redrive_policy_of_three_When_a_message_was_received_three_times_Then_the_next_receive_moves_it_to_the_dead_letter_queue()
    {
        var deadLetters = NewQueue("orders-dlq");
        var queue = NewQueue("orders", o => o.RedrivePolicy = new InProcessSqsRedrivePolicy(deadLetters, MaxReceiveCount: 3));
        var id = await Transport.SendAsync(queue, "poison");

        for (var receive = 1; receive <= 3; receive++)
        {
            Assert.Equal(receive, ReceiveCount(await ReceiveOneAsync(queue)));
            Clock.Advance(Visibility);
        }

        Assert.Empty(await ReceiveAsync(queue));
        var deadLetter = await ReceiveOneAsync(deadLetters);
        Assert.Equal(id, deadLetter.MessageId);
        Assert.Equal("poison", deadLetter.Body);
        Assert.Equal(1, Transport.GetStatistics(queue).DeadLettered);
        Assert.Equal(3, Transport.GetStatistics(queue).Delivered);
    }

    [Fact]
    public async Task Given_a_redrive_policy_When_the_queue_attributes_are_read_Then_they_report_its_MaxReceiveCount()
    {
        var deadLetters = NewQueue("jobs-dlq.fifo", o => o.Fifo = true);
        var queue = NewQueue("jobs.fifo", o =>
        {
            o.Fifo = true;
            o.RedrivePolicy = new InProcessSqsRedrivePolicy(deadLetters, MaxReceiveCount: 5);
        });

        var attributes = await Transport.GetQueueAttributesAsync(queue, CancellationToken.None);

        Assert.Equal(5, attributes.MaxReceiveCount);
        Assert.True(attributes.IsFifo);
    }

    [Fact]
    public void Given_a_redrive_policy_naming_no_queue_When_the_queue_is_created_Then_it_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NewQueue("orders", o => o.RedrivePolicy = new InProcessSqsRedrivePolicy("inprocess://queues/missing", 3)));
    }

    [Fact]
    public async Task Given_every_message_handled_When_the_consumer_waits_for_the_queue_to_drain_Then_the_wait_ends_only_after_the_last_delete()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "a");
        await Transport.SendAsync(queue, "b");
        var received = await ReceiveAsync(queue);
        var drained = Transport.WaitUntilDrainedAsync(queue, CancellationToken.None);

        await DeleteAsync(queue, received[0]);
        await Task.Delay(20);
        Assert.False(drained.IsCompleted);
        await DeleteAsync(queue, received[1]);

        await drained.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Transport.GetStatistics(queue).Deleted);
    }
}
