using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>A fake clock shared by the queues of one test, so visibility and waits move only when the test says.</summary>
public abstract class QueueTestBase
{
    protected static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected InProcessQueue NewQueue(Action<InProcessQueueOptions>? configure = null)
    {
        var options = new InProcessQueueOptions { VisibilityTimeout = Visibility };
        configure?.Invoke(options);
        return new InProcessQueue(options, Clock);
    }

    protected static async Task<InProcessMessage> ReceiveOneAsync(InProcessQueue queue)
    {
        var messages = await queue.ReceiveAsync(1, TimeSpan.Zero);
        return Xunit.Assert.Single(messages);
    }

    protected static async Task<IReadOnlyList<InProcessMessage>> ReceiveAllAsync(InProcessQueue queue) =>
        await queue.ReceiveAsync(10, TimeSpan.Zero);
}
