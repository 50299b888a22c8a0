using IdempotentConsumer.Sqs.Transport;
using IdempotentConsumer.Stores;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// One life of a consumer process (a worker host, or a Lambda execution environment): its own connections to the
/// shared store and the shared queue. <see cref="Kill"/> ends the life as a crash does: from then on nothing the
/// process still runs reaches the store or the queue.
/// </summary>
internal sealed class ConsumerLife(string name, IIdempotencyStore sharedStore, ISqsTransport sharedTransport)
{
    private readonly TaskCompletionSource _died = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name { get; } = name;

    public ProcessBoundStore Store { get; } = new(sharedStore);

    public ProcessBoundTransport Transport { get; } = new(sharedTransport);

    public bool IsDead => _died.Task.IsCompleted;

    /// <summary>Completes when the process dies.</summary>
    public Task Died => _died.Task;

    public void Kill()
    {
        Store.Kill();
        Transport.Kill();
        _died.TrySetResult();
    }
}
