using IdempotentConsumer.Sqs.Transport;
using Xunit;

namespace IdempotentConsumer.InProcess.Tests.Sqs;

/// <summary>Visibility through the transport: redelivery with rising receive counts, overrides, stale receipts.</summary>
public sealed class SqsTransportVisibilityTests : SqsTransportTestBase
{
    [Fact]
    public async Task Given_a_received_message_not_deleted_When_its_visibility_runs_out_each_time_Then_it_is_received_again_with_an_increasing_ApproximateReceiveCount_and_a_new_receipt()
    {
        var queue = NewQueue();
        var id = await Transport.SendAsync(queue, "order-1");

        var first = await ReceiveOneAsync(queue);
        Assert.Empty(await ReceiveAsync(queue));
        Clock.Advance(Visibility);
        var second = await ReceiveOneAsync(queue);
        Clock.Advance(Visibility);
        var third = await ReceiveOneAsync(queue);

        Assert.All([first, second, third], m => Assert.Equal(id, m.MessageId));
        Assert.Equal([1, 2, 3], [ReceiveCount(first), ReceiveCount(second), ReceiveCount(third)]);
        Assert.Equal(3, new[] { first.ReceiptHandle, second.ReceiptHandle, third.ReceiptHandle }.Distinct().Count());
        Assert.Equal(2, Transport.GetStatistics(queue).Redelivered);
        Assert.Equal(queue, third.QueueArnOrUrl);
    }

    [Fact]
    public async Task Given_a_receive_with_a_visibility_override_When_that_time_passes_Then_the_message_is_back_before_the_queue_default()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "x");
        Assert.Single(await ReceiveAsync(queue, visibility: TimeSpan.FromSeconds(2)));

        Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(2, ReceiveCount(await ReceiveOneAsync(queue)));
    }

    [Fact]
    public async Task Given_a_message_received_again_When_the_first_receipt_changes_its_visibility_Then_SqsMessageLostException_and_the_new_receive_keeps_it()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "x");
        var first = await ReceiveOneAsync(queue);
        Clock.Advance(Visibility);
        await ReceiveOneAsync(queue);

        await Assert.ThrowsAsync<SqsMessageLostException>(
            () => Transport.ChangeVisibilityAsync(queue, first.ReceiptHandle!, TimeSpan.Zero, CancellationToken.None).AsTask());

        Assert.Empty(await ReceiveAsync(queue));
        Assert.Equal(1, Transport.GetStatistics(queue).InFlight);
    }

    [Fact]
    public async Task Given_a_deleted_message_When_its_receipt_changes_visibility_Then_SqsMessageLostException()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "x");
        var message = await ReceiveOneAsync(queue);
        Assert.Empty(await DeleteAsync(queue, message));

        await Assert.ThrowsAsync<SqsMessageLostException>(
            () => Transport.ChangeVisibilityAsync(queue, message.ReceiptHandle!, TimeSpan.FromSeconds(10), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Given_an_in_flight_message_When_its_visibility_is_set_to_zero_Then_it_can_be_received_at_once()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "x");
        var message = await ReceiveOneAsync(queue);

        await Transport.ChangeVisibilityAsync(queue, message.ReceiptHandle!, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(2, ReceiveCount(await ReceiveOneAsync(queue)));
    }

    [Fact]
    public async Task Given_a_queue_When_its_attributes_are_read_Then_they_report_the_visibility_timeout_and_no_redrive()
    {
        var queue = NewQueue();

        var attributes = await Transport.GetQueueAttributesAsync(queue, CancellationToken.None);

        Assert.Equal(new SqsQueueAttributes(Visibility, null, false), attributes);
    }
}
