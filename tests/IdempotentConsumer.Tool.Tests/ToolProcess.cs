using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.Tool.Tests;

/// <summary>Runs the <c>idempotency</c> tool as a process (<c>dotnet idempotency.dll ...</c>), as an operator would.</summary>
internal static class ToolProcess
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "idempotency.dll");

    // Dummy credentials for the emulator, so the SDK never looks for real ones.
    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["AWS_ACCESS_KEY_ID"] = "testAccessKey",
        ["AWS_SECRET_ACCESS_KEY"] = "testSecretKey",
        ["AWS_REGION"] = AwsTestCredentials.Region,
        ["AWS_PROFILE"] = null,
    };

    /// <summary>Runs the tool with <paramref name="standardInput"/> typed at its prompt (or piped in).</summary>
    public static Task<ChildProcessResult> RunWithInputAsync(string standardInput, params string[] arguments) =>
        ChildProcess.RunAsync("dotnet", [Program, .. arguments], Environment, standardInput);

    /// <summary>Runs the tool with an empty, closed stdin.</summary>
    public static Task<ChildProcessResult> RunAsync(params string[] arguments) => RunWithInputAsync(string.Empty, arguments);
}
