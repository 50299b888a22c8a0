namespace IdempotentConsumer.Testing.Faults;

/// <summary>
/// The inner exception of every <see cref="Exceptions.IdempotencyPersistenceException"/> the injector throws,
/// so a test can tell an injected fault from a real one.
/// </summary>
public sealed class InjectedStoreFaultException : Exception
{
    /// <summary>Creates the exception for an injected fault.</summary>
    public InjectedStoreFaultException(InjectedStoreFault fault, Exception? innerException = null)
        : base(Describe(fault), innerException)
    {
        Fault = fault ?? throw new ArgumentNullException(nameof(fault));
    }

    /// <summary>The fault that was injected.</summary>
    public InjectedStoreFault Fault { get; }

    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions is an injected fault.</summary>
    public static bool IsInjected(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is InjectedStoreFaultException)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(InjectedStoreFault fault) =>
        $"Injected {fault.Kind} fault on {fault.Operation} ({(fault.Timing == FaultTiming.AfterWrite ? "after the write landed" : "nothing written")}).";
}
