using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Sqs.Producer.Sending;

/// <summary>
/// Some messages were not accepted after every attempt (or SQS refused them for good). <see cref="Unsent"/> holds them,
/// ids unchanged: send them again with <see cref="IdempotentSqsSender{TMessage}.SendPreparedAsync"/> and SQS (FIFO, within
/// 5 minutes) or the consumer's record deduplicates any that did land. On a FIFO queue the later messages of a failed
/// message's group are unsent too, so the group's order holds.
/// </summary>
public sealed class SqsSendFailedException : IdempotencyException
{
    /// <summary>Creates the exception.</summary>
    public SqsSendFailedException(string message, IReadOnlyList<SqsSentMessage> sent, IReadOnlyList<SqsOutgoingMessage> unsent, Exception? innerException = null)
        : base(message, innerException)
    {
        Sent = sent ?? throw new ArgumentNullException(nameof(sent));
        Unsent = unsent ?? throw new ArgumentNullException(nameof(unsent));
    }

    /// <summary>The messages SQS accepted, in the order given.</summary>
    public IReadOnlyList<SqsSentMessage> Sent { get; }

    /// <summary>The messages not accepted, in the order given.</summary>
    public IReadOnlyList<SqsOutgoingMessage> Unsent { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
