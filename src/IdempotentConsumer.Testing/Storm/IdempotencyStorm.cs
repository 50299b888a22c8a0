using IdempotentConsumer.Keys;

namespace IdempotentConsumer.Testing.Storm;

/// <summary>
/// Entry point of the duplicate-storm harness: drives a handler's side effect through the hosted SQS worker as
/// deployed (<c>AddSqsConsumer</c>: its poller, heartbeat, pipeline, idempotency executor and dispositions), several
/// consumer processes over one in-process SQS queue, under duplicates, redeliveries, crashes, lease expiry and store
/// faults, and reports per key how many times the side effect happened.
/// </summary>
/// <example>
/// <code>
/// var report = await IdempotencyStorm.For&lt;Order&gt;(o =&gt; o.OrderId)
///     .WithMessages(300, i =&gt; new Order($"order-{i}"))
///     .WithSideEffect(async (order, effect, ct) =&gt; { if (await api.ShipAsync(order, effect.IdempotencyKey, ct)) effect.Record(); })
///     .WithDuplicateSends(0.3).WithConsumers(8).WithCrashAfterSideEffect(0.05).WithStoreFaults(0.01)
///     .RunAsync();
/// report.AssertEffectivelyOnce();
/// </code>
/// </example>
public static class IdempotencyStorm
{
    /// <summary>Starts a storm whose idempotency key is selected from each message in code.</summary>
    /// <param name="keySelector">Returns the key (a string is used as is, other values as canonical JSON); null or empty means "no key".</param>
    public static IdempotencyStormBuilder<TMessage> For<TMessage>(Func<TMessage, object?> keySelector)
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        return new IdempotencyStormBuilder<TMessage>(IdempotencyKeySource.From(keySelector));
    }

    /// <summary>Starts a storm whose idempotency key is selected from each message's JSON by a JMESPath expression.</summary>
    /// <param name="keyJmesPath">For example <c>orderId</c>.</param>
    public static IdempotencyStormBuilder<TMessage> For<TMessage>(string keyJmesPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyJmesPath);
        return new IdempotencyStormBuilder<TMessage>(IdempotencyKeySource.FromJmesPath(keyJmesPath));
    }

    /// <summary>Starts a storm with any key source (for example <see cref="IdempotencyKeySource.WholePayload"/>).</summary>
    public static IdempotencyStormBuilder<TMessage> For<TMessage>(IdempotencyKeySource keySource)
    {
        ArgumentNullException.ThrowIfNull(keySource);
        return new IdempotencyStormBuilder<TMessage>(keySource);
    }
}
