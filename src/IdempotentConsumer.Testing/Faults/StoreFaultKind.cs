namespace IdempotentConsumer.Testing.Faults;

/// <summary>What an injected fault looks like to the caller. Every kind surfaces as <see cref="Exceptions.IdempotencyPersistenceException"/>, as a real store reports it.</summary>
public enum StoreFaultKind
{
    /// <summary>The backend refused the call for capacity (DynamoDB <c>ProvisionedThroughputExceeded</c>, SQLite <c>SQLITE_BUSY</c>).</summary>
    Throttling = 0,

    /// <summary>The call took too long and the client gave up; the inner exception is a <see cref="TimeoutException"/>.</summary>
    Timeout = 1,

    /// <summary>Any other server or I/O error (a 5xx, a dropped connection).</summary>
    Error = 2,

    /// <summary>The store is unreachable (the outage switch is on).</summary>
    Outage = 3,
}
