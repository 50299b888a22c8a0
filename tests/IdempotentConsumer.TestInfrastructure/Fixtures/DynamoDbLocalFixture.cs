using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>
/// AWS's DynamoDB Local (in memory, shared database, telemetry off). Full fidelity: ALL_OLD on failed
/// conditions, UpdateTimeToLive, transactions. It has no bind-address flag; clients use 127.0.0.1.
/// </summary>
public sealed class DynamoDbLocalFixture : DynamoDbEmulatorFixture
{
    /// <inheritdoc />
    public override string BackendName => "dynamodb-local";

    /// <inheritdoc />
    public override bool ReturnsItemOnConditionCheckFailure => true;

    /// <inheritdoc />
    public override bool SupportsTimeToLive => true;

    /// <inheritdoc />
    protected override EmulatorLaunch CreateLaunch()
    {
        var directory = RepoPaths.DynamoDbLocalDirectory;
        return new EmulatorLaunch(
            "DynamoDB Local",
            JavaExecutable(),
            port =>
            [
                $"-Djava.library.path={Path.Combine(directory, "DynamoDBLocal_lib")}",
                "-jar", Path.Combine(directory, "DynamoDBLocal.jar"),
                "-inMemory", "-sharedDb", "-disableTelemetry",
                "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ])
        {
            WorkingDirectory = directory,
            Environment = new Dictionary<string, string> { ["DDB_LOCAL_TELEMETRY"] = "0" },
            Hint = InstallHint,
        };
    }
}
