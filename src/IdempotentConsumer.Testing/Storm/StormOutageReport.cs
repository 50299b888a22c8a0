namespace IdempotentConsumer.Testing.Storm;

/// <summary>
/// What the consumers did while the store was down. Counted from a short settling time after the outage
/// began (attempts already past the store finish first) to its end.
/// </summary>
/// <param name="Duration">How long the store was down.</param>
/// <param name="HandlerInvocations">Handler invocations that began in the window: fail-closed means 0.</param>
/// <param name="Deletes">Messages deleted from the queue in the window: 0, as nothing can be confirmed.</param>
/// <param name="FailedDeliveries">Deliveries that failed in the window (each one a typed store error).</param>
/// <param name="OutstandingAtEnd">Messages still on the queue when the store came back.</param>
public sealed record StormOutageReport(TimeSpan Duration, int HandlerInvocations, int Deletes, int FailedDeliveries, int OutstandingAtEnd);
