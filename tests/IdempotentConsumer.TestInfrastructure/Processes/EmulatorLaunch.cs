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

    /// <summary>
    /// True once the emulator on the given port serves requests. Null (default): any HTTP answer counts. A non-HTTP
    /// server (redis-server) supplies its own protocol's check.
    /// </summary>
    public Func<int, CancellationToken, Task<bool>>? ReadinessProbe { get; init; }

    /// <summary>
    /// Start on this port instead of a free one (one attempt): a test that restarts a server where its clients expect it.
    /// Null (default): a free port, retried on another when the process dies before answering.
    /// </summary>
    public int? Port { get; init; }
}
