namespace IdempotentConsumer.Reliability.Tests.Properties;

/// <summary>What one step of a random interleaving does.</summary>
public enum StoreStepKind
{
    /// <summary>The owner starts a new attempt on the key (a new owner token).</summary>
    Begin,

    /// <summary>The owner's current attempt completes the key.</summary>
    Complete,

    /// <summary>The owner's current attempt releases the key (its handler failed).</summary>
    Release,

    /// <summary>The owner's current attempt extends its lease.</summary>
    Extend,

    /// <summary>Time passes (leases and records expire).</summary>
    Advance,
}

/// <summary>
/// One step of an interleaving. Times are whole seconds so that stores keeping epoch seconds agree with the
/// model exactly.
/// </summary>
/// <param name="Kind">What the step does.</param>
/// <param name="Owner">Which of the owners acts (ignored by <see cref="StoreStepKind.Advance"/>).</param>
/// <param name="Key">Which key it acts on (ignored by <see cref="StoreStepKind.Advance"/>).</param>
/// <param name="LeaseSeconds">Lease asked for by begin and extend; seconds passed by advance.</param>
/// <param name="ExpirySeconds">Record expiry asked for by begin and complete.</param>
public sealed record StoreStep(StoreStepKind Kind, int Owner, int Key, int LeaseSeconds, int ExpirySeconds)
{
    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        StoreStepKind.Advance => $"advance {LeaseSeconds}s",
        StoreStepKind.Begin => $"owner{Owner} begin k{Key} lease {LeaseSeconds}s expiry {ExpirySeconds}s",
        StoreStepKind.Complete => $"owner{Owner} complete k{Key} expiry {ExpirySeconds}s",
        StoreStepKind.Extend => $"owner{Owner} extend k{Key} lease {LeaseSeconds}s",
        _ => $"owner{Owner} {Kind.ToString().ToLowerInvariant()} k{Key}",
    };
}
