namespace IdempotentConsumer.Testing.Faults;

/// <summary>Whether an injected fault hides a write that did land. The two differ exactly where stores get hard.</summary>
public enum FaultTiming
{
    /// <summary>The call fails before reaching the store: nothing was written.</summary>
    BeforeWrite = 0,

    /// <summary>The write lands, then the caller gets an error (a response lost on the way back, a client-side timeout).</summary>
    AfterWrite = 1,

    /// <summary>Each injected fault picks one of the two above with equal odds.</summary>
    Either = 2,
}
