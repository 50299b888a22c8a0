using System.Collections.Concurrent;

namespace OrderShipping.Demo.Reporting;

/// <summary>
/// Live counters of one run, read by the progress view: sends (the producer), deliveries and deletes (the queue's
/// transport), and the outcomes the library's meter reports (<see cref="LibraryMeters"/>).
/// </summary>
internal sealed class DemoStatistics
{
    private readonly ConcurrentDictionary<string, byte> _settled = new(StringComparer.Ordinal);
    private int _sent;
    private int _duplicateSends;
    private int _sendsDeduplicatedByQueue;
    private int _deliveries;
    private int _redeliveries;
    private int _executions;
    private int _replays;
    private int _inProgressRejections;
    private int _crashes;

    public int Sent => Volatile.Read(ref _sent);

    public int DuplicateSends => Volatile.Read(ref _duplicateSends);

    /// <summary>Sends a FIFO queue accepted and dropped: same deduplication id within its window (<c>--fifo</c>).</summary>
    public int SendsDeduplicatedByQueue => Volatile.Read(ref _sendsDeduplicatedByQueue);

    /// <summary>Messages the queue holds because of the sends: every send but the deduplicated ones.</summary>
    public int Enqueued => Sent - SendsDeduplicatedByQueue;

    public int Deliveries => Volatile.Read(ref _deliveries);

    public int Redeliveries => Volatile.Read(ref _redeliveries);

    /// <summary>Handler runs that completed (with idempotency: records that went COMPLETED), as the library's meter counts them.</summary>
    public int Executions => Volatile.Read(ref _executions);

    public int Replays => Volatile.Read(ref _replays);

    public int InProgressRejections => Volatile.Read(ref _inProgressRejections);

    public int Crashes => Volatile.Read(ref _crashes);

    /// <summary>Messages the queue confirmed deleted.</summary>
    public int Settled => _settled.Count;

    public void RecordSend(bool isRetry, bool deduplicatedByQueue = false)
    {
        if (deduplicatedByQueue)
        {
            // Before the send itself: a reader of Enqueued never sees a dropped send as a message to wait for.
            Interlocked.Increment(ref _sendsDeduplicatedByQueue);
        }

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

    public void RecordExecutions(int count) => Interlocked.Add(ref _executions, count);

    public void RecordReplays(int count) => Interlocked.Add(ref _replays, count);

    public void RecordInProgressRejections(int count) => Interlocked.Add(ref _inProgressRejections, count);

    public void RecordCrash() => Interlocked.Increment(ref _crashes);

    public void RecordSettled(string messageId) => _settled.TryAdd(messageId, 0);
}
