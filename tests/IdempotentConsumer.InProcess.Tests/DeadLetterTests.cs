using Xunit;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>The redrive policy: after maxReceiveCount receives, a message leaves for the dead-letter queue.</summary>
public sealed class DeadLetterTests : QueueTestBase
{
    [Fact]
    public async Task Given_max_receive_count_2_When_a_message_fails_twice_Then_the_next_receive_moves_it_to_the_dead_letter_queue()
    {
        var deadLetters = NewQueue();
        var queue = NewQueue(options =>
        {
            options.MaxReceiveCount = 2;
            options.DeadLetterQueue = deadLetters;
        });
        var id = await queue.SendAsync("poison", new Dictionary<string, string> { ["k"] = "v" });

        Assert.Equal(1, (await ReceiveOneAsync(queue)).ApproximateReceiveCount);
        Clock.Advance(Visibility);
        Assert.Equal(2, (await ReceiveOneAsync(queue)).ApproximateReceiveCount);
        Clock.Advance(Visibility);

        Assert.Empty(await ReceiveAllAsync(queue));
        var dead = await ReceiveOneAsync(deadLetters);
        Assert.Equal(id, dead.MessageId);
        Assert.Equal("poison", dead.Body);
        Assert.Equal("v", dead.Attributes["k"]);
        Assert.Equal(1, dead.ApproximateReceiveCount);
        Assert.Equal(1, queue.Statistics.DeadLettered);
        Assert.Equal(0, queue.Statistics.InFlight + queue.Statistics.Visible);
        Assert.Equal(1, deadLetters.Statistics.Sent);
    }

    [Fact]
    public async Task Given_a_dead_letter_queue_and_a_healthy_message_When_it_is_deleted_on_its_last_allowed_receive_Then_nothing_is_dead_lettered()
    {
        var deadLetters = NewQueue();
        var queue = NewQueue(options =>
        {
            options.MaxReceiveCount = 2;
            options.DeadLetterQueue = deadLetters;
        });
        await queue.SendAsync("x");
        await ReceiveOneAsync(queue);
        Clock.Advance(Visibility);

        var second = await ReceiveOneAsync(queue);
        Assert.True(await queue.DeleteAsync(second.ReceiptHandle));
        Clock.Advance(Visibility);

        Assert.Empty(await ReceiveAllAsync(queue));
        Assert.Empty(await ReceiveAllAsync(deadLetters));
        Assert.Equal(0, queue.Statistics.DeadLettered);
    }

    [Fact]
    public async Task Given_a_max_receive_count_without_a_dead_letter_queue_When_exceeded_Then_the_message_is_discarded_and_counted()
    {
        var queue = NewQueue(options => options.MaxReceiveCount = 1);
        await queue.SendAsync("x");
        await ReceiveOneAsync(queue);
        Clock.Advance(Visibility);

        Assert.Empty(await ReceiveAllAsync(queue));
        Assert.Equal(1, queue.Statistics.DeadLettered);
    }

    [Fact]
    public async Task Given_a_poison_message_ahead_of_healthy_ones_When_it_is_dead_lettered_Then_the_same_receive_still_returns_the_healthy_ones()
    {
        var deadLetters = NewQueue();
        var queue = NewQueue(options =>
        {
            options.MaxReceiveCount = 1;
            options.DeadLetterQueue = deadLetters;
        });
        await queue.SendAsync("poison");
        await ReceiveOneAsync(queue);
        await queue.SendAsync("healthy");
        Clock.Advance(Visibility);

        var received = await ReceiveAllAsync(queue);

        Assert.Equal("healthy", Assert.Single(received).Body);
        Assert.Equal("poison", (await ReceiveOneAsync(deadLetters)).Body);
    }

    [Fact]
    public void Given_a_standard_dead_letter_queue_When_a_fifo_queue_uses_it_Then_it_is_rejected()
    {
        var standard = NewQueue();

        Assert.Throws<ArgumentException>(() => NewQueue(options =>
        {
            options.Fifo = true;
            options.DeadLetterQueue = standard;
        }));
    }
}
