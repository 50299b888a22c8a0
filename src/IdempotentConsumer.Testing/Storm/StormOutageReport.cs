namespace IdempotentConsumer.Testing.Storm;

/// <summary>
/// What the consumers did while the store was down. Counted per delivery whose begin went out during the
/// outage (so a delivery that began just before it and finished just after is not counted against it).
/// </summary>
/// <param name="Duration">How long the store was down.</param>
/// <param name="HandlerInvocations">Handler invocations that followed a begin issued during the outage: fail-closed means 0.</param>
/// <param name="Successes">Deliveries reported as successful (so deleted) although their begin was issued during the outage: 0.</param>
/// <param name="FailedDeliveries">Deliveries whose begin was issued during the outage and that failed (each one a typed store error, released back to the queue).</param>
/// <param name="OutstandingAtEnd">Messages still on the queue when the store came back.</param>
public sealed record StormOutageReport(TimeSpan Duration, int HandlerInvocations, int Successes, int FailedDeliveries, int OutstandingAtEnd);
