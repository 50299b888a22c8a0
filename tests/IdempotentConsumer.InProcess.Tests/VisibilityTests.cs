using Xunit;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>The visibility timeout: hidden while in flight, redelivered when it runs out, stale handles after that.</summary>
public sealed class VisibilityTests : QueueTestBase
{
    [Fact]
    public async Task Given_a_received_message_When_its_visibility_timeout_has_not_run_out_Then_no_one_else_receives_it()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        await ReceiveOneAsync(queue);

        Clock.Advance(Visibility - TimeSpan.FromMilliseconds(1));

        Assert.Empty(await ReceiveAllAsync(queue));
        Assert.Equal(1, queue.Statistics.InFlight);
    }

    [Fact]
    public async Task Given_a_received_message_not_deleted_When_its_visibility_timeout_runs_out_Then_it_is_delivered_again_with_a_higher_receive_count_and_a_new_handle()
    {
        var queue = NewQueue();
        var sentId = await queue.SendAsync("x");
        var first = await ReceiveOneAsync(queue);

        Clock.Advance(Visibility);
        var second = await ReceiveOneAsync(queue);

        Assert.Equal(sentId, second.MessageId);
        Assert.Equal(2, second.ApproximateReceiveCount);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);
        Assert.Equal(first.ApproximateFirstReceiveTimestamp, second.ApproximateFirstReceiveTimestamp);
        Assert.Equal(1, queue.Statistics.Redelivered);
        Assert.Equal(2, queue.Statistics.Delivered);
    }

    [Fact]
    public async Task Given_a_redelivered_message_When_the_first_delivery_tries_to_delete_it_Then_the_stale_handle_deletes_nothing_and_the_new_delivery_still_owns_it()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        var first = await ReceiveOneAsync(queue);
        Clock.Advance(Visibility);
        var second = await ReceiveOneAsync(queue);

        Assert.False(await queue.DeleteAsync(first.ReceiptHandle));
        Assert.False(await queue.ChangeVisibilityAsync(first.ReceiptHandle, TimeSpan.Zero));

        Assert.Equal(1, queue.Statistics.InFlight);
        Assert.Empty(await ReceiveAllAsync(queue));
        Assert.True(await queue.DeleteAsync(second.ReceiptHandle));
        Assert.Equal(2, queue.Statistics.StaleReceiptHandles);
    }

    [Fact]
    public async Task Given_a_message_whose_visibility_ran_out_When_deleted_before_anyone_received_it_again_Then_the_latest_handle_still_deletes_it()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        var message = await ReceiveOneAsync(queue);
        Clock.Advance(Visibility * 2);

        Assert.True(await queue.DeleteAsync(message.ReceiptHandle));
        Assert.Empty(await ReceiveAllAsync(queue));
    }

    [Fact]
    public async Task Given_a_handler_still_running_When_it_extends_the_visibility_Then_the_message_is_not_redelivered_at_the_original_timeout()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        var message = await ReceiveOneAsync(queue);
        Clock.Advance(TimeSpan.FromSeconds(20));

        Assert.True(await queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.FromSeconds(60)));
        Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(await ReceiveAllAsync(queue));

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await ReceiveOneAsync(queue)).ApproximateReceiveCount);
    }

    [Fact]
    public async Task Given_a_failed_handler_When_it_sets_the_visibility_to_zero_Then_the_message_is_receivable_at_once()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        var message = await ReceiveOneAsync(queue);

        Assert.True(await queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.Zero));

        Assert.Equal(2, (await ReceiveOneAsync(queue)).ApproximateReceiveCount);
    }

    [Fact]
    public async Task Given_a_message_no_longer_in_flight_When_its_visibility_is_changed_Then_nothing_changes()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        var message = await ReceiveOneAsync(queue);
        Clock.Advance(Visibility);

        Assert.False(await queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.FromMinutes(5)));
        Assert.Equal(2, (await ReceiveOneAsync(queue)).ApproximateReceiveCount);
    }

    [Fact]
    public async Task Given_a_receive_with_its_own_visibility_timeout_When_that_timeout_runs_out_Then_the_message_returns_regardless_of_the_queue_default()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        await queue.ReceiveAsync(1, TimeSpan.Zero, TimeSpan.FromSeconds(5));

        Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(2, (await ReceiveOneAsync(queue)).ApproximateReceiveCount);
    }

    [Fact]
    public async Task Given_a_visibility_timeout_over_12_hours_When_changing_visibility_Then_it_is_rejected()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        var message = await ReceiveOneAsync(queue);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.FromHours(13)));
    }
}
