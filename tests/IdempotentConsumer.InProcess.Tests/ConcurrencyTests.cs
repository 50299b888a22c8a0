using System.Collections.Concurrent;
using Xunit;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>Many consumers on the real clock: nothing lost, nothing delivered twice without a reason.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Given_8_long_polling_consumers_When_2000_messages_are_sent_concurrently_Then_each_is_delivered_and_deleted_exactly_once()
    {
        var queue = new InProcessQueue(new InProcessQueueOptions { VisibilityTimeout = TimeSpan.FromMinutes(5) });
        var deliveries = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var done = new CancellationTokenSource();

        var consumers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                IReadOnlyList<InProcessMessage> batch;
                try
                {
                    batch = await queue.ReceiveAsync(10, TimeSpan.FromSeconds(1), done.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                foreach (var message in batch)
                {
                    deliveries.AddOrUpdate(message.Body, 1, (_, count) => count + 1);
                    Assert.True(await queue.DeleteAsync(message.ReceiptHandle));
                }
            }
        })).ToArray();
        var producers = Enumerable.Range(0, 4).Select(producer => Task.Run(async () =>
        {
            for (var index = 0; index < 500; index++)
            {
                await queue.SendAsync($"p{producer}-{index}");
            }
        })).ToArray();

        await Task.WhenAll(producers);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (queue.Statistics.Deleted < 2000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await done.CancelAsync();
        await Task.WhenAll(consumers);

        Assert.Equal(2000, deliveries.Count);
        Assert.All(deliveries, pair => Assert.Equal(1, pair.Value));
        var statistics = queue.Statistics;
        Assert.Equal(2000, statistics.Deleted);
        Assert.Equal(2000, statistics.Delivered);
        Assert.Equal(0, statistics.InFlight + statistics.Visible);
    }

    [Fact]
    public async Task Given_a_fifo_queue_and_4_consumers_When_each_group_is_processed_Then_every_group_is_handled_in_send_order()
    {
        var queue = new InProcessQueue(new InProcessQueueOptions { Fifo = true, ContentBasedDeduplication = true, VisibilityTimeout = TimeSpan.FromMinutes(5) });
        for (var index = 0; index < 50; index++)
        {
            foreach (var group in new[] { "A", "B", "C", "D", "E" })
            {
                await queue.SendAsync($"{group}:{index}", groupId: group);
            }
        }

        var handled = new ConcurrentDictionary<string, ConcurrentQueue<int>>(StringComparer.Ordinal);
        var consumers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (queue.Statistics.Deleted < 250)
            {
                foreach (var message in await queue.ReceiveAsync(10, TimeSpan.FromMilliseconds(50)))
                {
                    var parts = message.Body.Split(':');
                    handled.GetOrAdd(parts[0], _ => new ConcurrentQueue<int>()).Enqueue(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                    await queue.DeleteAsync(message.ReceiptHandle);
                }
            }
        })).ToArray();

        await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(5, handled.Count);
        Assert.All(handled.Values, order => Assert.Equal(Enumerable.Range(0, 50), order));
    }
}
