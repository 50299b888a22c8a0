namespace IdempotentConsumer.InProcess;

/// <summary>
/// Transport trouble <see cref="InProcessSqsTransport"/> injects, so a consumer's handling of it can be proven on the
/// real adapters. Each rate is a chance from 0 (never, the default) to 1 (every call), read at each call, so a test can
/// switch a fault on and off while consumers run. Injected faults throw <see cref="InProcessSqsFaultException"/>.
/// </summary>
public sealed class InProcessSqsFaults
{
    private double _lostDeleteRequestRate;
    private double _lostDeleteReplyRate;

    /// <summary>
    /// The chance that a <c>DeleteMessageBatch</c> call fails before it reaches the queue: nothing is deleted and the
    /// caller sees an error, so the messages come back when their visibility runs out (a lost acknowledgement).
    /// </summary>
    public double LostDeleteRequestRate
    {
        get => Volatile.Read(ref _lostDeleteRequestRate);
        set => Volatile.Write(ref _lostDeleteRequestRate, CheckRate(value));
    }

    /// <summary>
    /// The chance that a <c>DeleteMessageBatch</c> call deletes its messages and then loses the reply: the messages are
    /// gone but the caller sees an error, as when a network timeout strikes after SQS acted. A repeated delete with the
    /// same receipts succeeds.
    /// </summary>
    public double LostDeleteReplyRate
    {
        get => Volatile.Read(ref _lostDeleteReplyRate);
        set => Volatile.Write(ref _lostDeleteReplyRate, CheckRate(value));
    }

    private static double CheckRate(double value) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A fault rate is between 0 and 1.");
}
