namespace IdempotentConsumer.Tool.Cli;

/// <summary>Bad input the user can fix; reported on stderr with <see cref="ExitCodes.BadInput"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
