namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>An emulator could not be installed or started. Tests that need it fail with this; they are never skipped.</summary>
public sealed class EmulatorStartException : Exception
{
    /// <summary>Creates the exception with a message (which includes the emulator's captured output).</summary>
    public EmulatorStartException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public EmulatorStartException(string message, Exception? innerException) : base(message, innerException) { }
}
