using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// One consumer process's connection to the queue. When the process "dies" every later call fails, so the worker
/// can neither delete what it finished nor hand back what it held, nor extend a visibility: each message it held
/// comes back when its visibility timeout lapses, exactly as after a real crash.
/// </summary>
internal sealed class ProcessBoundTransport(ISqsTransport inner) : ISqsTransport
{
    private volatile bool _dead;

    public void Kill() => _dead = true;

    public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
    {
        ThrowIfDead();
        var messages = await inner.ReceiveAsync(request, cancellationToken).ConfigureAwait(false);

        // A long poll that returns after the death delivers to nobody: the messages stay hidden until their visibility lapses.
        ThrowIfDead();
        return messages;
    }

    public ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        ThrowIfDead();
        return inner.DeleteBatchAsync(queueUrl, receipts, cancellationToken);
    }

    public ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ThrowIfDead();
        return inner.ChangeVisibilityAsync(queueUrl, receiptHandle, visibilityTimeout, cancellationToken);
    }

    public ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken)
    {
        ThrowIfDead();
        return inner.GetQueueAttributesAsync(queueUrl, cancellationToken);
    }

    private void ThrowIfDead()
    {
        if (_dead)
        {
            throw new ConsumerCrashedException("The consumer process is dead.");
        }
    }
}
