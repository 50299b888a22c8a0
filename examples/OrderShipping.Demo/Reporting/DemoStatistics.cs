using System.Collections.Concurrent;

namespace OrderShipping.Demo.Reporting;

/// <summary>Live counters of one run, written by the producer and the consumers, read by the progress view.</summary>
internal sealed class DemoStatistics
{
    private readonly ConcurrentDictionary<string, byte> _settled = new(StringComparer.Ordinal);
    private int _sent;
    private int _duplicateSends;
    private int _deliveries;
    private int _redeliveries;
    private int _executions;
    private int _replays;
    private int _inProgressRejections;
    private int _otherFailures;
    private int _crashes;

    public int Sent => Volatile.Read(ref _sent);

    public int DuplicateSends => Volatile.Read(ref _duplicateSends);

    public int Deliveries => Volatile.Read(ref _deliveries);

    public int Redeliveries => Volatile.Read(ref _redeliveries);

    /// <summary>Handler runs that completed (with idempotency: records that went COMPLETED).</summary>
    public int Executions => Volatile.Read(ref _executions);

    public int Replays => Volatile.Read(ref _replays);

    public int InProgressRejections => Volatile.Read(ref _inProgressRejections);

    public int OtherFailures => Volatile.Read(ref _otherFailures);

    public int Crashes => Volatile.Read(ref _crashes);

    /// <summary>Messages the queue confirmed deleted.</summary>
    public int Settled => _settled.Count;

    public void RecordSend(bool isRetry)
    {
        Interlocked.Increment(ref _sent);
        if (isRetry)
        {
            Interlocked.Increment(ref _duplicateSends);
        }
    }

    public void RecordDelivery(int receiveCount)
    {
        Interlocked.Increment(ref _deliveries);
        if (receiveCount > 1)
        {
            Interlocked.Increment(ref _redeliveries);
        }
    }

    public void RecordExecution() => Interlocked.Increment(ref _executions);

    public void RecordReplay() => Interlocked.Increment(ref _replays);

    public void RecordInProgressRejection() => Interlocked.Increment(ref _inProgressRejections);

    public void RecordOtherFailure() => Interlocked.Increment(ref _otherFailures);

    public void RecordCrash() => Interlocked.Increment(ref _crashes);

    public void RecordSettled(string messageId) => _settled.TryAdd(messageId, 0);
}
