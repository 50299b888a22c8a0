namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>Live counters of one logical message; updated from many consumers at once.</summary>
internal sealed class StormMessageStats(int index)
{
    public int Sends;
    public int Deliveries;
    public int HandlerInvocations;
    public int Effects;
    public int Successes;
    public int DeadLetteredSends;
    public int CrossUserReplays;
    private string? _idempotencyKey;

    public int Index { get; } = index;

    public string? IdempotencyKey => Volatile.Read(ref _idempotencyKey);

    public void SeeKey(string? key)
    {
        if (key is not null)
        {
            Interlocked.CompareExchange(ref _idempotencyKey, key, null);
        }
    }

    public StormMessageReport ToReport() => new(
        Index,
        IdempotencyKey,
        Volatile.Read(ref Sends),
        Volatile.Read(ref Deliveries),
        Volatile.Read(ref HandlerInvocations),
        Volatile.Read(ref Effects),
        Volatile.Read(ref Successes) > 0)
    {
        DeadLetteredSends = Volatile.Read(ref DeadLetteredSends),
        CrossUserReplays = Volatile.Read(ref CrossUserReplays),
    };
}
