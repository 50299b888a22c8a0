using System.Globalization;
using System.Text;

namespace IdempotentConsumer.Testing.Storm;

/// <summary>The figures of one storm run, and assertions over them.</summary>
public sealed class StormReport
{
    /// <summary>Logical messages in the storm.</summary>
    public required int Messages { get; init; }

    /// <summary>Concurrent consumers.</summary>
    public required int Consumers { get; init; }

    /// <summary>The seed of the storm's random choices.</summary>
    public required int Seed { get; init; }

    /// <summary>Physical sends: messages + duplicate sends + concurrent copies.</summary>
    public required int Sends { get; init; }

    /// <summary>Extra sends of a message, as a producer retrying a send that timed out.</summary>
    public required int DuplicateSends { get; init; }

    /// <summary>Extra copies sent back to back so that several consumers handle them at the same moment.</summary>
    public required int ConcurrentDuplicates { get; init; }

    /// <summary>Receives by consumers, redeliveries included.</summary>
    public required int Deliveries { get; init; }

    /// <summary>Receives of a send that had been received before (visibility expiry or a failure's release).</summary>
    public required int Redeliveries { get; init; }

    /// <summary>Receives that ended because the visibility timeout lapsed (crash, lost acknowledgement, slow handler).</summary>
    public required int VisibilityExpiries { get; init; }

    /// <summary>Raw handler invocations (each entry into the handler, before the side effect's own deduplication).</summary>
    public required int HandlerInvocations { get; init; }

    /// <summary>Side effects recorded through <see cref="SideEffectRecorder.Record"/>.</summary>
    public required int Effects { get; init; }

    /// <summary>Deliveries answered from a completed record without running the handler.</summary>
    public required int Replays { get; init; }

    /// <summary>Crashes injected after the side effect, before completion was written.</summary>
    public required int CrashesAfterSideEffect { get; init; }

    /// <summary>Crashes injected between the handler's return and the completion write.</summary>
    public required int CrashesBeforeCompletion { get; init; }

    /// <summary>Crashes injected after the record was taken, before the side effect.</summary>
    public required int CrashesBeforeSideEffect { get; init; }

    /// <summary>All injected crashes.</summary>
    public int CrashesInjected => CrashesAfterSideEffect + CrashesBeforeCompletion + CrashesBeforeSideEffect;

    /// <summary>Handlers made to outlive their lease (they resume after another owner took the key over).</summary>
    public required int LeaseExpiriesInjected { get; init; }

    /// <summary>Successful deliveries whose delete was dropped, so the queue redelivered them.</summary>
    public required int LostAcknowledgements { get; init; }

    /// <summary>Store faults injected (outage rejections included).</summary>
    public required int StoreFaultsInjected { get; init; }

    /// <summary>Store calls rejected by the outage switch.</summary>
    public required int OutageRejections { get; init; }

    /// <summary>Failed deliveries by error type name (crashes excluded; each was released back to the queue).</summary>
    public required IReadOnlyDictionary<string, int> FailuresByType { get; init; }

    /// <summary>Failed deliveries whose error is not one of the framework's typed errors.</summary>
    public required int UntypedFailures { get; init; }

    /// <summary>Up to ten untyped errors, for the report.</summary>
    public required IReadOnlyList<string> UntypedFailureSamples { get; init; }

    /// <summary>
    /// Handlers made to outlive their lease whose completion never landed: refused by the store as a stale owner, or
    /// cancelled first by the heartbeat that gave the lease up.
    /// </summary>
    public int LateCompletionsRefused { get; init; }

    /// <summary>Handlers made to outlive their lease whose completion landed after another owner had completed the key (must be 0).</summary>
    public int LateCompletionsLanded { get; init; }

    /// <summary>Late completions or releases rejected because another owner had taken the key.</summary>
    public int StaleOwnerRejections => FailuresByType.TryGetValue("IdempotencyStaleOwnerException", out var count) ? count : 0;

    /// <summary>Sends moved to the dead-letter side after too many receives.</summary>
    public required int DeadLettered { get; init; }

    /// <summary>
    /// Messages with a dead-lettered send that no delivery ever finished: work left on the dead-letter queue that
    /// nobody did. A dead-lettered duplicate of a message another send finished is not counted here.
    /// </summary>
    public int DeadLetteredUnprocessed => PerMessage.Count(m => m.IsDeadLetteredUnprocessed);

    /// <summary>
    /// Replays that handed a message a response produced by another message's handler (another user's order),
    /// when responses are configured with <see cref="IdempotencyStormBuilder{TMessage}.WithResponses"/>.
    /// </summary>
    public int CrossUserReplays => PerMessage.Sum(m => m.CrossUserReplays);

    /// <summary>Handlers that ran for the slow-handler duration (see <see cref="IdempotencyStormBuilder{TMessage}.WithSlowHandlers"/>).</summary>
    public int SlowHandlers { get; init; }

    /// <summary>Successful lease extensions by the storm's heartbeat.</summary>
    public int LeaseExtensions { get; init; }

    /// <summary>Deliveries whose heartbeat could not keep the lease: the handler was cancelled and the message left to come back.</summary>
    public int LeasesLost { get; init; }

    /// <summary>Lease extensions failed by the fault injector.</summary>
    public int LeaseExtensionFaults { get; init; }

    /// <summary>Begins whose write landed but whose reply the fault injector replaced with an error.</summary>
    public int LostBeginReplies { get; init; }

    /// <summary>First executions whose key was completed without its response (the response could not be stored).</summary>
    public int ResponsesNotStored { get; init; }

    /// <summary>Per logical message.</summary>
    public required IReadOnlyList<StormMessageReport> PerMessage { get; init; }

    /// <summary>How long the storm took.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>True when the storm hit its time limit before the queue drained.</summary>
    public required bool TimedOut { get; init; }

    /// <summary>What happened during the store outage, when one was configured.</summary>
    public StormOutageReport? Outage { get; init; }

    /// <summary>Messages whose side effect happened more than once.</summary>
    public int DoubleEffects => PerMessage.Count(m => m.IsDoubleEffect);

    /// <summary>Messages whose side effect never happened or that never finished.</summary>
    public int Lost => PerMessage.Count(m => m.IsLost);

    /// <summary>How many times the side effect happened, per idempotency key (<c>#index</c> when no key was derived).</summary>
    public IReadOnlyDictionary<string, int> EffectsPerKey =>
        PerMessage.GroupBy(m => m.IdempotencyKey ?? "#" + m.Index.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Effects), StringComparer.Ordinal);

    /// <summary>
    /// Throws <see cref="StormAssertionException"/> unless every message's side effect happened exactly once, the queue
    /// drained, no unprocessed message was dead-lettered and no replay handed a message another message's response.
    /// </summary>
    public void AssertEffectivelyOnce()
    {
        if (DoubleEffects == 0 && Lost == 0 && DeadLetteredUnprocessed == 0 && CrossUserReplays == 0 && !TimedOut)
        {
            return;
        }

        var text = new StringBuilder("The storm did not end effectively once.").AppendLine();
        if (TimedOut)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  It hit its time limit after {Elapsed.TotalSeconds:F1} s with messages still on the queue.");
        }

        if (Effects == 0)
        {
            text.AppendLine("  No side effect was recorded at all: call effect.Record() in the side effect when it really happens.");
        }

        AppendOffenders(text, "double effects", PerMessage.Where(m => m.IsDoubleEffect));
        AppendOffenders(text, "lost", PerMessage.Where(m => m.IsLost));
        AppendOffenders(text, "dead-lettered unprocessed", PerMessage.Where(m => m.IsDeadLetteredUnprocessed));
        AppendOffenders(text, "with cross-user replays", PerMessage.Where(m => m.CrossUserReplays > 0));
        text.Append(ToString());
        throw new StormAssertionException(text.ToString(), this);
    }

    /// <summary>Throws <see cref="StormAssertionException"/> if any failure was not one of the framework's typed errors.</summary>
    public void AssertEveryFailureTyped()
    {
        if (UntypedFailures == 0)
        {
            return;
        }

        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{UntypedFailures} failures were not typed idempotency errors:");
        foreach (var sample in UntypedFailureSamples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {sample}");
        }

        text.Append(ToString());
        throw new StormAssertionException(text.ToString(), this);
    }

    /// <summary>A readable multi-line summary of the run.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Idempotency storm (seed {Seed}): {Messages} messages, {Consumers} consumers, {Elapsed.TotalSeconds:F2} s{(TimedOut ? " (TIMED OUT)" : string.Empty)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  sends {Sends} (duplicate sends {DuplicateSends}, concurrent copies {ConcurrentDuplicates}); deliveries {Deliveries} (redeliveries {Redeliveries}, visibility expiries {VisibilityExpiries})");
        text.AppendLine(CultureInfo.InvariantCulture, $"  handler invocations {HandlerInvocations}, replays {Replays}, lost acknowledgements {LostAcknowledgements}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  crashes injected {CrashesInjected} (after side effect {CrashesAfterSideEffect}, before completion {CrashesBeforeCompletion}, before side effect {CrashesBeforeSideEffect}); handlers outliving their lease {LeaseExpiriesInjected} (late completions refused {LateCompletionsRefused}, landed {LateCompletionsLanded})");
        text.AppendLine(CultureInfo.InvariantCulture, $"  store faults injected {StoreFaultsInjected} (outage rejections {OutageRejections})");
        var failures = FailuresByType.Count == 0
            ? "none"
            : string.Join(", ", FailuresByType.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}"));
        text.AppendLine(CultureInfo.InvariantCulture, $"  failures (all released back to the queue): {failures}; untyped {UntypedFailures}");
        if (Outage is { } outage)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  outage {outage.Duration.TotalMilliseconds:F0} ms: handler invocations {outage.HandlerInvocations}, successes {outage.Successes}, failed deliveries {outage.FailedDeliveries}, on the queue at its end {outage.OutstandingAtEnd}");
        }

        if (SlowHandlers + LeaseExtensions + LeasesLost + LeaseExtensionFaults + LostBeginReplies + ResponsesNotStored > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  slow handlers {SlowHandlers}, lease extensions {LeaseExtensions} (faults {LeaseExtensionFaults}, leases given up {LeasesLost}), lost begin replies {LostBeginReplies}, responses not stored {ResponsesNotStored}");
        }

        text.Append(CultureInfo.InvariantCulture, $"  side effects {Effects}: double effects {DoubleEffects}, lost {Lost}, dead-lettered {DeadLettered} (unprocessed {DeadLetteredUnprocessed}), cross-user replays {CrossUserReplays}");
        return text.ToString();
    }

    private static void AppendOffenders(StringBuilder text, string label, IEnumerable<StormMessageReport> offenders)
    {
        var list = offenders.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  {list.Count} {label}, first ones:");
        foreach (var m in list.Take(10))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    #{m.Index} key {m.IdempotencyKey ?? "(none derived)"}: effects {m.Effects}, handler invocations {m.HandlerInvocations}, deliveries {m.Deliveries}, sends {m.Sends}, finished {m.Finished}, dead-lettered sends {m.DeadLetteredSends}, cross-user replays {m.CrossUserReplays}");
        }
    }
}
