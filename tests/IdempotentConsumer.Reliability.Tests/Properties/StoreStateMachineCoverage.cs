namespace IdempotentConsumer.Reliability.Tests.Properties;

/// <summary>How often each interesting transition happened over many interleavings, so a test can show the generator reaches them.</summary>
public sealed class StoreStateMachineCoverage
{
    private int _beginsWon;
    private int _beginsLost;
    private int _takeovers;
    private int _staleRejections;
    private int _completes;
    private int _releases;
    private int _extends;

    /// <summary>Begins that won.</summary>
    public int BeginsWon => Volatile.Read(ref _beginsWon);

    /// <summary>Begins that lost to a live record.</summary>
    public int BeginsLost => Volatile.Read(ref _beginsLost);

    /// <summary>Begins that won over an existing record (expired, or in progress with a lapsed lease).</summary>
    public int Takeovers => Volatile.Read(ref _takeovers);

    /// <summary>Completes, releases or extends rejected as a stale owner.</summary>
    public int StaleRejections => Volatile.Read(ref _staleRejections);

    /// <summary>Accepted completes.</summary>
    public int Completes => Volatile.Read(ref _completes);

    /// <summary>Accepted releases.</summary>
    public int Releases => Volatile.Read(ref _releases);

    /// <summary>Accepted lease extensions.</summary>
    public int Extends => Volatile.Read(ref _extends);

    internal void BeginWon(bool overExisting)
    {
        Interlocked.Increment(ref _beginsWon);
        if (overExisting)
        {
            Interlocked.Increment(ref _takeovers);
        }
    }

    internal void BeginLost() => Interlocked.Increment(ref _beginsLost);

    internal void StaleRejected() => Interlocked.Increment(ref _staleRejections);

    internal void Accepted(StoreStepKind kind)
    {
        switch (kind)
        {
            case StoreStepKind.Complete:
                Interlocked.Increment(ref _completes);
                break;
            case StoreStepKind.Release:
                Interlocked.Increment(ref _releases);
                break;
            case StoreStepKind.Extend:
                Interlocked.Increment(ref _extends);
                break;
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"begins won {BeginsWon} (takeovers {Takeovers}), lost {BeginsLost}; completes {Completes}, releases {Releases}, extends {Extends}; stale rejections {StaleRejections}";
}
