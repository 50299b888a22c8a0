namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>How to start one emulator on a given port.</summary>
/// <param name="Name">A human name for messages ("DynamoDB Local").</param>
/// <param name="FileName">The executable (resolved through PATH).</param>
/// <param name="Arguments">The arguments for a given port.</param>
public sealed record EmulatorLaunch(string Name, string FileName, Func<int, IReadOnlyList<string>> Arguments)
{
    /// <summary>The working directory; null for the current one.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables added to the child's environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long one start may take until the port answers HTTP.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many ports to try when the process dies before answering (another process took the port).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>A hint appended to start failures (e.g. how to install the emulator).</summary>
    public string? Hint { get; init; }
}
