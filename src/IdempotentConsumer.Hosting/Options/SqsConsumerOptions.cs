using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Options;

/// <summary>
/// Settings of one SQS consumer. Bindable from configuration
/// (e.g. <c>AddSqsConsumer&lt;Order, ShipOrderHandler&gt;(configuration.GetSection("Consumers:Orders"))</c>);
/// the code-only parts (key selector, store, middleware) are set through <see cref="DependencyInjection.SqsConsumerBuilder{TMessage}"/>.
/// </summary>
public sealed class SqsConsumerOptions
{
    /// <summary>The queue to consume. Required. A URL ending in <c>.fifo</c> is consumed with FIFO group ordering.</summary>
    public string QueueUrl { get; set; } = string.Empty;

    /// <summary>
    /// The consumer's stable name, used in logs and as the default idempotency key prefix.
    /// Null: the configuration section's key when bound from one, else the queue's name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The most messages held at once, received but not finished (running, or waiting behind an earlier
    /// message of the same FIFO group). No receive is made while the bound is full. Default: 10.
    /// </summary>
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>Messages asked for per receive, 1–10 (fewer when fewer slots are free). Default: 10.</summary>
    public int MaxNumberOfMessages { get; set; } = 10;

    /// <summary>
    /// When fewer than <see cref="MaxNumberOfMessages"/> slots are free while messages are still running, how long the
    /// poller waits for more to come free before it receives; keeps receives full while handlers are quick.
    /// Zero: receive as soon as one slot is free. Default: 10 ms.
    /// </summary>
    public TimeSpan ReceiveBatchWindow { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Long-polling wait per receive in seconds, 0–20. Default: 20.</summary>
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>
    /// The visibility timeout requested on receive and renewed by the heartbeat, in whole seconds (1 s to 12 h);
    /// the idempotency lease follows it. Default: 30 s.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a running message's visibility (and its idempotency lease) is extended.
    /// Must be shorter than <see cref="VisibilityTimeout"/>. Null: a third of it.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>
    /// The receive count from which the consumer stops retrying on its own and says so in the log: the
    /// queue's redrive policy moves the message to its dead-letter queue. Null: read from the queue's
    /// <c>RedrivePolicy</c> at start (no limit when it has none).
    /// </summary>
    public int? MaxReceiveCount { get; set; }

    /// <summary>How failed messages come back: exponential backoff by receive count.</summary>
    public RedeliveryOptions Redelivery { get; set; } = new();

    /// <summary>How successful messages are deleted: in batches, by size or time.</summary>
    public SqsDeleteBatchOptions DeleteBatch { get; set; } = new();

    /// <summary>How the consumer waits after a failed receive or delete before trying again.</summary>
    public SqsErrorBackoffOptions ErrorBackoff { get; set; } = new();

    /// <summary>
    /// Time allowed, once the host's shutdown timeout has passed, for cancelled handlers to unwind (releasing
    /// their idempotency records), for unfinished messages to be handed back and for pending deletes to be sent.
    /// Default: 5 s.
    /// </summary>
    public TimeSpan HandBackTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Run each message under idempotency (once per key). Default: true.</summary>
    public bool UseIdempotency { get; set; } = true;

    /// <summary>
    /// Idempotency settings of this consumer (its own executor; the store comes from DI). An empty
    /// <see cref="IdempotencyOptions.KeyPrefix"/> (the default here) means the consumer's <see cref="Name"/>.
    /// </summary>
    public IdempotencyOptions Idempotency { get; set; } = new() { KeyPrefix = string.Empty };

    /// <summary>
    /// Lets this consumer use the same <see cref="IdempotencyOptions.KeyPrefix"/> as another consumer of the host (both
    /// must set it), so that a message handled by one is a duplicate for the other. Default: false, and a host with two
    /// consumers on one prefix fails to start.
    /// </summary>
    public bool AllowSharedKeyPrefix { get; set; }

    /// <summary>In-process retry of transient handler failures, inside the idempotency lease. <c>MaxRetryAttempts = 0</c> turns it off.</summary>
    public MessageRetryOptions Retry { get; set; } = new();
}
