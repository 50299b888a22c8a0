using System.Diagnostics.Metrics;
using IdempotentConsumer.Telemetry;

namespace OrderShipping.Demo.Reporting;

/// <summary>
/// Reads the outcome counters from the library's own meter (<c>IdempotentConsumer</c>): handler completions, replays,
/// in-receive copies and "in progress" answers are what the deployed worker and batch processor report, not what the
/// demo believes happened. The meter is process-wide; a measurement counts for the run whose consumers made it (the run
/// flows with the execution context into every consumer it starts), so runs side by side, as in the tests, stay apart.
/// </summary>
internal static class LibraryMeters
{
    private static readonly AsyncLocal<DemoStatistics?> CurrentRun = new();
    private static readonly Lazy<MeterListener> Listener = new(Start);

    /// <summary>Counts the library's measurements made from here on, in this execution context, into <paramref name="statistics"/>.</summary>
    public static void CountInto(DemoStatistics statistics)
    {
        _ = Listener.Value;
        CurrentRun.Value = statistics;
    }

    private static MeterListener Start()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == IdempotencyTelemetry.Name && Handle(instrument.Name) is not null)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(static (instrument, value, _, _) =>
        {
            if (CurrentRun.Value is { } statistics && value > 0)
            {
                Handle(instrument.Name)?.Invoke(statistics, (int)value);
            }
        });
        listener.Start();
        return listener;
    }

    private static Action<DemoStatistics, int>? Handle(string instrument) => instrument switch
    {
        // The handler ran to the end (under idempotency: its record went COMPLETED).
        "messages.processed" => static (s, n) => s.RecordExecutions(n),
        "messages.replayed" => static (s, n) => s.RecordReplays(n),

        // The worker's copy of a key already in the same receive: answered by its first copy, outside the pipeline.
        // (The Lambda batch processor's in-batch copies go through the pipeline and count as replays above.)
        "sqs.messages.duplicates_in_receive" => static (s, n) => s.RecordReplays(n),
        "idempotency.in_progress_rejections" => static (s, n) => s.RecordInProgressRejections(n),
        _ => null,
    };
}
