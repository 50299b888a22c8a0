using System.Diagnostics.Metrics;
using IdempotentConsumer.Telemetry;

namespace IdempotentConsumer.Sqs.Producer.Telemetry;

/// <summary>The sender's instruments, on a meter named like the core's, so one <c>AddMeter("IdempotentConsumer")</c> covers them.</summary>
internal static class SqsSenderTelemetry
{
    public static readonly Meter Meter = new(IdempotencyTelemetry.Name, typeof(SqsSenderTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Sent = Meter.CreateCounter<long>(
        "sqs.producer.messages.sent", description: "Messages SQS accepted (on FIFO queues, including sends SQS deduplicated).");

    public static readonly Counter<long> Retried = Meter.CreateCounter<long>(
        "sqs.producer.messages.retried", description: "Message sends tried again with the same ids after a failed entry or request.");

    public static readonly Counter<long> Failed = Meter.CreateCounter<long>(
        "sqs.producer.messages.failed", description: "Messages given up on (attempts exhausted, refused by SQS, or behind a failed message of their FIFO group).");
}
