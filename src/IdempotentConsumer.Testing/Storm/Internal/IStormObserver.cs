using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>What the per-process store, queue and log wrappers report to the storm that counts.</summary>
internal interface IStormObserver
{
    /// <summary>True while the storm's store outage is on.</summary>
    bool IsOutage { get; }

    /// <summary>A process received a message: plans the attempt's trouble and counts the delivery.</summary>
    StormAttempt OnDelivered(StormProcess process, SqsTransportMessage message);

    /// <summary>The worker asked to delete the attempt's message; true when the storm drops the delete (a lost acknowledgement).</summary>
    bool OnAcknowledged(StormAttempt attempt);

    /// <summary>A lease extension by the worker's heartbeat succeeded.</summary>
    void OnLeaseExtended();

    /// <summary>The pipeline reported a failed delivery (its "message failed" log entry).</summary>
    void OnFailure(StormAttempt attempt, Exception? error);

    /// <summary>The pipeline completed a key without its response (the response could not be stored).</summary>
    void OnResponseNotStored();

    /// <summary>The worker's heartbeat gave the attempt's message up.</summary>
    void OnLeaseLost(StormAttempt attempt);

    /// <summary>A process crashed at <paramref name="point"/>.</summary>
    void OnCrash(StormCrashPoint point);
}
