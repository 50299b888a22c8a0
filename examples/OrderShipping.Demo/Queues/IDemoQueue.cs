using IdempotentConsumer.Sqs.Transport;

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

    /// <summary>True when no message is left, visible or in flight.</summary>
    ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken);
}
