using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>
/// dynalite (DynamoDB on LevelDB, in memory). It ignores ReturnValuesOnConditionCheckFailure and has no
/// UpdateTimeToLive: exactly the differences a store's fallbacks must survive.
/// </summary>
public sealed class DynaliteFixture : DynamoDbEmulatorFixture
{
    /// <inheritdoc />
    public override string BackendName => "dynalite";

    /// <inheritdoc />
    public override bool ReturnsItemOnConditionCheckFailure => false;

    /// <inheritdoc />
    public override bool SupportsTimeToLive => false;

    /// <inheritdoc />
    protected override EmulatorLaunch CreateLaunch() => new(
        "dynalite",
        "node",
        port =>
        [
            Path.Combine(RepoPaths.NodeModulesDirectory, "dynalite", "cli.js"),
            "--host", "127.0.0.1",
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--createTableMs", "0",
            "--deleteTableMs", "0",
            "--updateTableMs", "0",
        ])
    {
        WorkingDirectory = RepoPaths.InfraDirectory,
        Hint = InstallHint,
    };
}
