using System.Globalization;
using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>
/// Microsoft Garnet (the <c>garnet-server</c> local dotnet tool pinned in .config/dotnet-tools.json, restored by
/// tests/infra/install.sh) on a free 127.0.0.1 port, with Lua enabled and each script run as a transaction (Garnet's
/// scripts are only atomic in that mode), memory kept small; ready once PING answers, stopped by pid.
/// </summary>
public sealed class GarnetServerFixture : EmulatorFixture
{
    /// <summary>The StackExchange.Redis configuration string for this server: <c>127.0.0.1:PORT</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    protected override EmulatorLaunch CreateLaunch() => new(
        "Garnet",
        "dotnet",
        port =>
        [
            "tool", "run", "garnet-server", "--",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--lua",
            "--lua-transaction-mode",
            "--memory", "128m",
            "--index", "16m",
        ])
    {
        WorkingDirectory = RepoPaths.RepoRoot,
        ReadinessProbe = RespPing.AnswersAsync,
        StartTimeout = TimeSpan.FromSeconds(60),
        Hint = "Run tests/infra/install.sh (it runs `dotnet tool restore` for garnet-server) and see the output below.",
    };
}
