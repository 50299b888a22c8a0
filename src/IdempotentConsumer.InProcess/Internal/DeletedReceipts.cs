namespace IdempotentConsumer.InProcess.Internal;

/// <summary>
/// The receipt handles that deleted a message, remembered for a while so a delete repeated after a lost reply succeeds
/// again instead of looking stale. Bounded by age, so a long run does not keep every handle. Used under the queue's lock.
/// </summary>
internal sealed class DeletedReceipts
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private readonly HashSet<string> _handles = new(StringComparer.Ordinal);
    private readonly Queue<(string Handle, DateTimeOffset DeletedAt)> _byAge = new();

    public void Add(string receiptHandle, DateTimeOffset now)
    {
        Forget(now);
        if (_handles.Add(receiptHandle))
        {
            _byAge.Enqueue((receiptHandle, now));
        }
    }

    public bool Contains(string receiptHandle, DateTimeOffset now)
    {
        Forget(now);
        return _handles.Contains(receiptHandle);
    }

    private void Forget(DateTimeOffset now)
    {
        while (_byAge.TryPeek(out var oldest) && now - oldest.DeletedAt > Retention)
        {
            _byAge.Dequeue();
            _handles.Remove(oldest.Handle);
        }
    }
}
