using Xunit;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>At-least-once delivery made visible: the same message delivered twice, on purpose.</summary>
public sealed class DuplicateInjectionTests : QueueTestBase
{
    [Fact]
    public async Task Given_duplicate_probability_1_When_a_message_is_sent_Then_two_copies_with_one_message_id_are_delivered_at_once_and_deleted_separately()
    {
        var queue = NewQueue(options => options.DuplicateDeliveryProbability = 1);
        var id = await queue.SendAsync("order-1");

        var copies = await ReceiveAllAsync(queue);

        Assert.Equal(2, copies.Count);
        Assert.All(copies, copy => Assert.Equal(id, copy.MessageId));
        Assert.All(copies, copy => Assert.Equal(1, copy.ApproximateReceiveCount));
        Assert.NotEqual(copies[0].ReceiptHandle, copies[1].ReceiptHandle);
        Assert.True(await queue.DeleteAsync(copies[0].ReceiptHandle));
        Assert.Equal(1, queue.Statistics.InFlight);
        Assert.True(await queue.DeleteAsync(copies[1].ReceiptHandle));
        Assert.Equal(1, queue.Statistics.Sent);
        Assert.Equal(1, queue.Statistics.DuplicatesInjected);
    }

    [Fact]
    public async Task Given_the_same_seed_When_two_queues_get_the_same_sends_Then_they_inject_the_same_duplicates()
    {
        var first = NewQueue(options => { options.DuplicateDeliveryProbability = 0.3; options.RandomSeed = 42; });
        var second = NewQueue(options => { options.DuplicateDeliveryProbability = 0.3; options.RandomSeed = 42; });

        var firstDuplicated = await SendAndListDuplicatedBodiesAsync(first);
        var secondDuplicated = await SendAndListDuplicatedBodiesAsync(second);

        Assert.Equal(firstDuplicated, secondDuplicated);
        Assert.InRange(firstDuplicated.Count, 40, 80); // 200 sends at 30 %: about 60
        Assert.Equal(firstDuplicated.Count, first.Statistics.DuplicatesInjected);
    }

    [Fact]
    public async Task Given_duplicate_probability_0_When_many_messages_are_sent_Then_each_is_delivered_once()
    {
        var queue = NewQueue();
        for (var index = 0; index < 50; index++)
        {
            await queue.SendAsync($"m{index}");
        }

        var bodies = new List<string>();
        IReadOnlyList<InProcessMessage> batch;
        while ((batch = await ReceiveAllAsync(queue)).Count > 0)
        {
            bodies.AddRange(batch.Select(message => message.Body));
        }

        Assert.Equal(50, bodies.Distinct().Count());
        Assert.Equal(50, bodies.Count);
    }

    [Fact]
    public void Given_a_fifo_queue_When_duplicates_are_requested_Then_it_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => NewQueue(options =>
        {
            options.Fifo = true;
            options.DuplicateDeliveryProbability = 0.5;
        }));
    }

    private static async Task<List<string>> SendAndListDuplicatedBodiesAsync(InProcessQueue queue)
    {
        for (var index = 0; index < 200; index++)
        {
            await queue.SendAsync($"m{index}");
        }

        var seen = new List<string>();
        IReadOnlyList<InProcessMessage> batch;
        while ((batch = await ReceiveAllAsync(queue)).Count > 0)
        {
            seen.AddRange(batch.Select(message => message.Body));
        }

        return seen.GroupBy(body => body).Where(group => group.Count() > 1).Select(group => group.Key).Order(StringComparer.Ordinal).ToList();
    }
}
