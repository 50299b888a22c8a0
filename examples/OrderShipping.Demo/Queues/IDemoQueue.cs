using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Sending;
using IdempotentConsumer.Sqs.Transport;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Queues;

/// <summary>
/// The run's queue as the two sides see it: the producer sends to it, the consumers (the real worker or the local
/// Lambda event source mapping) reach it only through <see cref="Transport"/>, the seam they are deployed with.
/// </summary>
internal interface IDemoQueue : IAsyncDisposable
{
    /// <summary>Says what the queue is, for the summary.</summary>
    string Description { get; }

    /// <summary>The queue's URL, as the consumers are configured with it.</summary>
    string QueueUrl { get; }

    /// <summary>The queue's ARN, for the Lambda records' <c>eventSourceARN</c>.</summary>
    string QueueArn { get; }

    /// <summary>The consumers' way to the queue.</summary>
    ISqsTransport Transport { get; }

    /// <summary>Sends one body (a retried send gets a new message id, as on SQS).</summary>
    ValueTask SendAsync(string body, CancellationToken cancellationToken);

    /// <summary>
    /// The producer's idempotent sender for this queue (<c>--fifo</c>), over <paramref name="options"/> with the queue's URL
    /// filled in. It prepares every send; <see cref="SendPreparedAsync"/> puts the prepared message on the queue.
    /// </summary>
    IdempotentSqsSender<Order> CreateSender(SqsSenderOptions options, Func<Order, string?> messageGroupId);

    /// <summary>
    /// Sends one message of the sender (<see cref="CreateSender"/>) as prepared: body, key attribute, group and
    /// deduplication id. Returns the message id the queue answered with; for a send it deduplicated, the first send's.
    /// </summary>
    ValueTask<string> SendPreparedAsync(SqsOutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>True when no message is left, visible or in flight.</summary>
    ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken);
}
