namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// The storm's run-wide counts. Fields, not properties, so the run and its process wrappers can update them with
/// <see cref="Interlocked"/> from any thread; the report reads them once the run is over.
/// </summary>
internal sealed class StormCounters
{
    public int UnsettledStalls;
    public int Deliveries;
    public int Redeliveries;
    public int VisibilityExpiries;
    public int HandlerInvocations;
    public int Effects;
    public int Replays;
    public int LostAcks;
    public int FailedDeliveries;
    public int Untyped;
    public int LeaseExpiries;
    public int CrashBeforeSideEffect;
    public int CrashAfterSideEffect;
    public int CrashBeforeCompletion;
    public int DuplicateSends;
    public int ConcurrentCopies;
    public int InvocationsAfterOutageBegin;
    public int SuccessesAfterOutageBegin;
    public int FailuresAfterOutageBegin;
    public int SlowHandlers;
    public int LeaseExtensions;
    public int LeasesLost;
    public int ResponsesNotStored;
    public int LateCompletionsRefused;
    public int LateCompletionsLanded;
}
