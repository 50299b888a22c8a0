namespace IdempotentConsumer.Tool.Cli;

/// <summary>The tool's exit codes; scripts branch on them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The store failed (unreachable, throttled, a corrupt record).</summary>
    public const int StoreFailure = 1;

    /// <summary>Bad input: unknown command or option, unknown table, malformed JSON, no key in the body.</summary>
    public const int BadInput = 2;

    /// <summary>The record asked for does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>An eviction was not confirmed.</summary>
    public const int Declined = 4;
}
