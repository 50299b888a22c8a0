using Xunit;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>Receives that wait: they wake on a send or on a visibility timeout, and end at the wait time.</summary>
public sealed class LongPollingTests : QueueTestBase
{
    [Fact]
    public async Task Given_an_empty_queue_When_a_receive_waits_and_a_message_is_sent_Then_the_receive_returns_it_without_the_clock_moving()
    {
        var queue = NewQueue();
        var receive = queue.ReceiveAsync(10, TimeSpan.FromSeconds(20)).AsTask();
        Assert.False(receive.IsCompleted);

        await queue.SendAsync("late");

        var messages = await receive.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("late", Assert.Single(messages).Body);
    }

    [Fact]
    public async Task Given_an_empty_queue_When_the_wait_time_passes_Then_the_receive_returns_empty_and_not_before()
    {
        var queue = NewQueue();
        var receive = queue.ReceiveAsync(1, TimeSpan.FromSeconds(20)).AsTask();

        Clock.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(50);
        Assert.False(receive.IsCompleted);

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await receive.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Given_a_message_in_flight_When_a_receive_waits_past_its_visibility_timeout_Then_the_receive_wakes_with_the_redelivery()
    {
        var queue = NewQueue();
        await queue.SendAsync("x");
        await ReceiveOneAsync(queue);
        var receive = queue.ReceiveAsync(1, TimeSpan.FromMinutes(1)).AsTask();

        Clock.Advance(Visibility);

        var redelivery = Assert.Single(await receive.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, redelivery.ApproximateReceiveCount);
    }

    [Fact]
    public async Task Given_a_waiting_receive_When_its_token_is_cancelled_Then_it_ends_with_cancellation()
    {
        var queue = NewQueue();
        using var cancellation = new CancellationTokenSource();
        var receive = queue.ReceiveAsync(1, TimeSpan.FromSeconds(20), cancellation.Token).AsTask();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Given_several_waiting_receivers_When_one_message_is_sent_Then_exactly_one_gets_it_and_the_others_keep_waiting()
    {
        var queue = NewQueue();
        var receivers = Enumerable.Range(0, 4).Select(_ => queue.ReceiveAsync(1, TimeSpan.FromSeconds(20)).AsTask()).ToList();

        await queue.SendAsync("only");
        var winner = await Task.WhenAny(receivers).WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(50);

        Assert.Single(await winner);
        Assert.Equal(1, receivers.Count(receiver => receiver.IsCompleted));
        Clock.Advance(TimeSpan.FromSeconds(20));
        var rest = await Task.WhenAll(receivers.Where(receiver => receiver != winner)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(rest, Assert.Empty);
    }

    [Fact]
    public async Task Given_a_queue_default_wait_time_When_a_receive_names_none_Then_it_long_polls_for_that_long()
    {
        var queue = NewQueue(options => options.ReceiveWaitTime = TimeSpan.FromSeconds(10));
        var receive = queue.ReceiveAsync().AsTask();

        await Task.Delay(50);
        Assert.False(receive.IsCompleted);
        Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(await receive.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
