using System.Diagnostics.Metrics;
using IdempotentConsumer.Telemetry;

namespace IdempotentConsumer.Hosting.Telemetry;

/// <summary>
/// The worker's own instruments, on a meter named like the core's (<see cref="IdempotencyTelemetry.Name"/>), so one
/// <c>AddMeter("IdempotentConsumer")</c> covers both. Messages received, processed, failed, replayed, in flight and the
/// handler duration are recorded by the core's pipeline and are not counted again here.
/// </summary>
internal static class SqsConsumerTelemetry
{
    public static readonly Meter Meter = new(IdempotencyTelemetry.Name, typeof(SqsConsumerTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly UpDownCounter<long> Outstanding = Meter.CreateUpDownCounter<long>(
        "sqs.messages.outstanding", description: "Messages received and not yet finished (running or waiting behind their FIFO group).");

    public static readonly Counter<long> Deleted = Meter.CreateCounter<long>(
        "sqs.messages.deleted", description: "Messages deleted from the queue after success or replay.");

    public static readonly Counter<long> Returned = Meter.CreateCounter<long>(
        "sqs.messages.returned", description: "Messages made visible again (tag reason: failure, in_progress, shutdown, fifo_group).");

    public static readonly Counter<long> VisibilityExtensions = Meter.CreateCounter<long>(
        "sqs.visibility.extensions", description: "Heartbeat extensions of a running message's visibility (and its idempotency lease).");

    public static readonly Counter<long> HeartbeatFailures = Meter.CreateCounter<long>(
        "sqs.heartbeat.failures", description: "Heartbeats that could not extend visibility or the lease; the handler was cancelled.");

    public static readonly Counter<long> DuplicatesInReceive = Meter.CreateCounter<long>(
        "sqs.messages.duplicates_in_receive", description: "Copies of a key already in the same receive: answered by its first copy, not run.");

    public static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "sqs.errors", description: "Failed SQS calls (tag operation: receive, delete, change_visibility, extend_lease).");

    public static void RecordError(string operation) => Errors.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public static void RecordReturned(string reason, int count = 1) => Returned.Add(count, new KeyValuePair<string, object?>("reason", reason));
}
