using System.Text.Json;

namespace IdempotentConsumer.Lambda.Handlers;

/// <summary>How an idempotent Lambda handler finds its key and its lease.</summary>
/// <typeparam name="TEvent">The handler's event type.</typeparam>
public sealed class IdempotentHandlerOptions<TEvent>
{
    /// <summary>Keys the call by a typed selector over the event (e.g. <c>e =&gt; e.Detail.OrderId</c>). Wins over <see cref="KeyJmesPath"/>.</summary>
    public Func<TEvent, object?>? KeySelector { get; set; }

    /// <summary>
    /// Keys the call by a JMESPath expression over the event serialized with <see cref="SerializerOptions"/>.
    /// Neither this nor <see cref="KeySelector"/>: the executor's own key source (by default the whole event).
    /// </summary>
    public string? KeyJmesPath { get; set; }

    /// <summary>Serializes the event for JMESPath. Default: the executor's <see cref="IdempotencyOptions.SerializerOptions"/>.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>Subtracted from the invocation's remaining time to get the in-progress lease. Default: 1 s.</summary>
    public TimeSpan LeaseSafetyMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Below this lease the call is refused with <see cref="InsufficientRemainingTimeException"/> before anything is written. Default: 1 s.</summary>
    public TimeSpan MinimumLease { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cancel the handler's token when the lease ends (remaining time reaches the margin). Default: true.</summary>
    public bool CancelAtLeaseEnd { get; set; } = true;
}
