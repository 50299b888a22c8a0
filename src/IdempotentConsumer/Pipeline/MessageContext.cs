using IdempotentConsumer.Execution;

namespace IdempotentConsumer.Pipeline;

/// <summary>Everything the pipeline and the handler know about one message while it is processed.</summary>
/// <typeparam name="TMessage">The handler's message type.</typeparam>
public sealed class MessageContext<TMessage>
{
    private Dictionary<string, object?>? _items;

    /// <summary>Creates a context for a delivered message.</summary>
    public MessageContext(IncomingMessage incoming, IServiceProvider services, CancellationToken cancellationToken)
    {
        Incoming = incoming ?? throw new ArgumentNullException(nameof(incoming));
        Services = services ?? throw new ArgumentNullException(nameof(services));
        CancellationToken = cancellationToken;
    }

    /// <summary>The message as delivered.</summary>
    public IncomingMessage Incoming { get; }

    /// <summary>The transport's message id.</summary>
    public string MessageId => Incoming.MessageId;

    /// <summary>The raw body.</summary>
    public string RawBody => Incoming.Body;

    /// <summary>Message and transport attributes.</summary>
    public IReadOnlyDictionary<string, string> Attributes => Incoming.Attributes;

    /// <summary>How many times the message has been delivered.</summary>
    public int ReceiveCount => Incoming.ReceiveCount;

    /// <summary>The deserialized message; set by the pipeline before any middleware runs.</summary>
    public TMessage Message { get; internal set; } = default!;

    /// <summary>Services of the scope this message runs in (a scope per message in the worker).</summary>
    public IServiceProvider Services { get; }

    /// <summary>Fires when the invocation ends, the host stops or the lease cannot be extended.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The in-progress lease the adapter allows (Lambda remaining time, worker visibility timeout); null: the options' default.</summary>
    public TimeSpan? LeaseDuration { get; init; }

    /// <summary>
    /// The completed record a batch pre-check read for this message's key (see <see cref="Batching.BatchPrecheck{TMessage}"/>);
    /// the idempotency step replays it with no store call. Null: no pre-check, or nothing completed for the key.
    /// </summary>
    public Records.IdempotencyRecord? PrecheckedRecord { get; init; }

    // The writes a one-call (transactional) handler collects for the commit; set by the one-call idempotency step.
    internal object? OneCallWrites { get; set; }

    /// <summary>The full idempotency key, once the idempotency middleware derived it.</summary>
    public string? IdempotencyKey { get; internal set; }

    /// <summary>The lease this attempt holds, while the handler runs under idempotency. The worker extends it with visibility.</summary>
    public IdempotencyLease? Lease { get; internal set; }

    /// <summary>How the message was answered, once known.</summary>
    public IdempotencyOutcomeKind? Outcome { get; internal set; }

    /// <summary>The in-process attempt number (1 first, incremented by the retry middleware).</summary>
    public int Attempt { get; internal set; } = 1;

    /// <summary>A bag for middleware to share values with the handler.</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);
}
