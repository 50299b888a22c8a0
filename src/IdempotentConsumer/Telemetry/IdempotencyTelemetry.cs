using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IdempotentConsumer.Telemetry;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>IdempotentConsumer</c>. Subscribe with
/// OpenTelemetry's <c>AddSource("IdempotentConsumer")</c> and <c>AddMeter("IdempotentConsumer")</c>.
/// </summary>
public static class IdempotencyTelemetry
{
    /// <summary>The name shared by the activity source and the meter.</summary>
    public const string Name = "IdempotentConsumer";

    /// <summary>Traces of idempotent executions and message processing.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(IdempotencyTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Metrics of idempotent executions, the store and message processing.</summary>
    public static Meter Meter { get; } = new(Name, typeof(IdempotencyTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Executions = Meter.CreateCounter<long>("idempotency.executions", description: "Handler executions under a newly taken idempotency record.");
    internal static readonly Counter<long> Replays = Meter.CreateCounter<long>("idempotency.replays", description: "Duplicates answered from a completed record without running the handler.");
    internal static readonly Counter<long> InProgressRejections = Meter.CreateCounter<long>("idempotency.in_progress_rejections", description: "Duplicates rejected because another attempt holds the lease.");
    internal static readonly Counter<long> InProgressWaits = Meter.CreateCounter<long>("idempotency.in_progress_waits", description: "Waits of a duplicate for an in-progress original, tagged by how they ended (replayed, took_over, timed_out, cancelled).");
    internal static readonly Counter<long> ValidationFailures = Meter.CreateCounter<long>("idempotency.validation_failures", description: "Duplicates whose payload hash did not match the stored one.");
    internal static readonly Counter<long> Unguarded = Meter.CreateCounter<long>("idempotency.unguarded", description: "Executions without idempotency (no key and not required, or disabled).");
    internal static readonly Counter<long> PrecheckReads = Meter.CreateCounter<long>("idempotency.precheck.reads", description: "Batch pre-checks taken: one consistent batch read of a batch's keys.");
    internal static readonly Counter<long> PrecheckSkips = Meter.CreateCounter<long>("idempotency.precheck.skips", description: "Batches the pre-check decided not to read (Auto: no sign of a duplicate).");
    internal static readonly Counter<long> PrecheckHits = Meter.CreateCounter<long>("idempotency.precheck.hits", description: "Duplicates answered from a batch pre-check's read with no write.");
    internal static readonly Counter<long> UnansweredBeginsReleased = Meter.CreateCounter<long>("idempotency.begin.unanswered_released", description: "Begins whose store call failed (its write may have landed) whose record was released so a redelivery finds the key free.");
    internal static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("idempotency.cache_hits", description: "Duplicates answered from the local cache with no store call.");
    internal static readonly Histogram<double> StoreDuration = Meter.CreateHistogram<double>("idempotency.store.duration", unit: "ms", description: "Latency of idempotency store calls.");

    internal static readonly Counter<long> MessagesReceived = Meter.CreateCounter<long>("messages.received", description: "Messages handed to the pipeline.");
    internal static readonly Counter<long> MessagesProcessed = Meter.CreateCounter<long>("messages.processed", description: "Messages whose handler succeeded.");
    internal static readonly Counter<long> MessagesReplayed = Meter.CreateCounter<long>("messages.replayed", description: "Messages answered from a completed record.");
    internal static readonly Counter<long> MessagesFailed = Meter.CreateCounter<long>("messages.failed", description: "Messages that failed and go back to the queue.");
    internal static readonly UpDownCounter<long> MessagesInFlight = Meter.CreateUpDownCounter<long>("messages.in_flight", description: "Messages currently in the pipeline.");
    internal static readonly Histogram<double> HandlerDuration = Meter.CreateHistogram<double>("messages.handler.duration", unit: "ms", description: "Time spent in the pipeline per message.");
}
