using System.Text.Json;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure.Peers;

/// <summary>
/// Powertools for AWS Lambda (TypeScript) idempotency as a peer process: <c>tests/infra/powertools-peer/interop-peer.mjs</c>
/// makes one idempotent invocation (makeIdempotent + DynamoDBPersistenceLayer, Powertools' defaults) on a table of
/// a DynamoDB emulator, and prints what happened.
/// </summary>
/// <param name="Emulator">The DynamoDB emulator the table is on.</param>
/// <param name="TableName">The shared table (hash key <c>id</c>).</param>
/// <param name="FunctionName">AWS_LAMBDA_FUNCTION_NAME: Powertools' key prefix.</param>
/// <param name="KeyPath">eventKeyJmesPath.</param>
/// <param name="ValidationPath">payloadValidationJmesPath, or null.</param>
public sealed record PowertoolsPeer(DynamoDbEmulatorFixture Emulator, string TableName, string FunctionName, string KeyPath, string? ValidationPath)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Starts one invocation; with <paramref name="hold"/>, its handler prints "started" and then waits that long.</summary>
    public async Task<ChildProcess> StartAsync(string payloadJson, TimeSpan? hold = null)
    {
        await EmulatorInstaller.EnsureInstalledAsync();
        return ChildProcess.Start(
            "node",
            [Path.Combine(RepoPaths.PowertoolsPeerDirectory, "interop-peer.mjs"), payloadJson],
            new Dictionary<string, string?>
            {
                ["DDB_ENDPOINT"] = Emulator.ServiceUrl,
                ["DDB_TABLE"] = TableName,
                ["AWS_LAMBDA_FUNCTION_NAME"] = FunctionName,
                ["KEY_PATH"] = KeyPath,
                ["VALIDATION_PATH"] = ValidationPath,
                ["HOLD_MS"] = ((int)(hold ?? TimeSpan.Zero).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RepoPaths.PowertoolsPeerDirectory);
    }

    /// <summary>Runs one invocation to its end.</summary>
    public async Task<PowertoolsPeerOutcome> RunAsync(string payloadJson)
    {
        await using var process = await StartAsync(payloadJson);
        return PowertoolsPeerOutcome.From(await process.WaitForExitAsync(RunTimeout));
    }

    /// <summary>Waits for a started invocation to end.</summary>
    public static async Task<PowertoolsPeerOutcome> FinishAsync(ChildProcess process) =>
        PowertoolsPeerOutcome.From(await process.WaitForExitAsync(RunTimeout));
}

/// <summary>What one peer invocation did.</summary>
/// <param name="Outcome"><c>executed</c>, <c>replayed</c>, <c>in-progress</c> (IdempotencyAlreadyInProgressError) or <c>error</c>.</param>
/// <param name="Executions">How many times the peer's handler ran.</param>
/// <param name="Result">The value the invocation returned (the handler's, or the replayed one).</param>
/// <param name="Error">The error name and message, when it failed.</param>
public sealed record PowertoolsPeerOutcome(string Outcome, int Executions, JsonElement? Result, string? Error)
{
    internal static PowertoolsPeerOutcome From(ChildProcessResult run)
    {
        var done = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(line => line.Contains("\"event\":\"done\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The Powertools peer printed no outcome.{Environment.NewLine}{run}");
        using var document = JsonDocument.Parse(done);
        var root = document.RootElement;
        return new PowertoolsPeerOutcome(
            root.GetProperty("outcome").GetString()!,
            root.GetProperty("executions").GetInt32(),
            root.TryGetProperty("result", out var result) ? result.Clone() : null,
            root.TryGetProperty("error", out var error) ? error.GetString() : null);
    }
}
