using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>The measured message: an id (the idempotency key) and a little payload.</summary>
public sealed record BenchMessage(string Id, string Customer, int Quantity);

/// <summary>Does nothing but count, so the figures measure the worker, not the handler.</summary>
public sealed class CountingHandler(HandledCounter counter) : IMessageHandler<BenchMessage>
{
    public ValueTask HandleAsync(BenchMessage message, MessageContext<BenchMessage> context, CancellationToken cancellationToken)
    {
        counter.Increment();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Handler invocations of one run.</summary>
public sealed class HandledCounter
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
