using System.Diagnostics;
using System.Text;

namespace IdempotentConsumer.Templates.Tests;

/// <summary>Runs the dotnet CLI as a child process with a time limit, capturing its output.</summary>
public static class DotnetCli
{
    /// <summary>The finished command: exit code and interleaved output.</summary>
    public sealed record Result(string Command, int ExitCode, string Output)
    {
        public Result EnsureSuccess() =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"'{Command}' exited with {ExitCode}:{Environment.NewLine}{Output}");
    }

    public static Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunAsync("dotnet", workingDirectory, timeout, null, arguments);

    /// <summary>
    /// Runs any program. <paramref name="environment"/> is applied last; every NUGET_* variable of this process
    /// is removed first, so a caller's NUGET_PACKAGES can neither steer the child nor receive its packages.
    /// </summary>
    public static async Task<Result> RunAsync(string program, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The test host runs inside `dotnet test`, whose MSBuild variables would steer the child builds to the outer SDK's state.
        foreach (var name in startInfo.Environment.Keys.Where(IsInheritedBuildVariable).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var name in startInfo.Environment.Keys.Where(n => n.StartsWith("NUGET_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var command = program + " " + string.Join(' ', arguments);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"'{command}' did not finish within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Snapshot(output)}");
        }

        // The parameterless wait drains the redirected streams.
        process.WaitForExit();
        return new Result(command, process.ExitCode, Snapshot(output));
    }

    private static bool IsInheritedBuildVariable(string name) =>
        name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
