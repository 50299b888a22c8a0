using System.Diagnostics.Metrics;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>
/// Counts the worker's deletes from its own <c>sqs.messages.deleted</c> counter, so the end of a run is seen
/// without polling the queue (which would load the emulator being measured).
/// </summary>
public sealed class DeletedMessages : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _target = long.MaxValue;

    public DeletedMessages()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IdempotentConsumer.Telemetry.IdempotencyTelemetry.Name && instrument.Name == "sqs.messages.deleted")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (Interlocked.Add(ref _count, value) >= Interlocked.Read(ref _target))
            {
                _reached.TrySetResult();
            }
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Starts counting from zero towards <paramref name="target"/>.</summary>
    public Task WaitForAsync(long target, TimeSpan timeout)
    {
        Interlocked.Exchange(ref _count, 0);
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _target, target);
        return _reached.Task.WaitAsync(timeout);
    }

    public void Dispose() => _listener.Dispose();
}
