namespace OrderShipping.Demo.Scenario;

/// <summary>
/// The clock of the story, shrunk so a run takes seconds. SQS counts visibility in whole seconds and the worker
/// follows it, so the visibility timeout is the shortest SQS allows; the worker's idempotency lease follows the
/// visibility (renewed by its heartbeat), the Lambda batch processor's follows the function's remaining time.
/// </summary>
/// <param name="VisibilityTimeout">How long a received message stays hidden.</param>
/// <param name="SlowHandling">How long a slow first handling takes (longer than the visibility timeout).</param>
/// <param name="FunctionTimeout">The Lambda function's timeout (its lease is this less the processor's safety margin).</param>
/// <param name="ShippingLatency">The shipping API's round trip.</param>
internal sealed record DemoTimings(TimeSpan VisibilityTimeout, TimeSpan SlowHandling, TimeSpan FunctionTimeout, TimeSpan ShippingLatency)
{
    public static DemoTimings Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(1));
}
