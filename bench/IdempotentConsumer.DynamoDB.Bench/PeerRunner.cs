using System.Diagnostics;
using System.Text.Json;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>The Powertools TypeScript peer's result line.</summary>
internal sealed record PeerResult(string Peer, bool Correctness, double NewPerSecond, double DuplicatesPerSecond, string Raw, TimeSpan ProcessCpu);

/// <summary>
/// Runs the Powertools for AWS Lambda (TypeScript) peer against the same endpoint, as its README says:
/// a copy of its folder with its dependencies installed by npm, then <c>node peer.mjs</c>.
/// </summary>
internal static class PeerRunner
{
    public static async Task<PeerResult> RunAsync(string peerDirectory, string endpoint, BenchSettings settings)
    {
        var workDirectory = Path.Combine(Path.GetTempPath(), "ic-bench-peer-ts-powertools");
        Directory.CreateDirectory(workDirectory);
        foreach (var file in new[] { "package.json", "peer.mjs" })
        {
            File.Copy(Path.Combine(peerDirectory, file), Path.Combine(workDirectory, file), overwrite: true);
        }

        if (!Directory.Exists(Path.Combine(workDirectory, "node_modules", "@aws-lambda-powertools")))
        {
            Console.Error.WriteLine($"installing the peer's dependencies in {workDirectory} (npm install)...");
            await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], workDirectory, new Dictionary<string, string>());
        }

        var (output, cpu) = await RunWithCpuAsync("node", ["peer.mjs"], workDirectory, new Dictionary<string, string>
        {
            ["DDB_ENDPOINT"] = endpoint,
            ["N"] = settings.Records.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CONCURRENCY"] = settings.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException($"The peer printed no result line:{Environment.NewLine}{output}");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new PeerResult(
            root.GetProperty("peer").GetString() ?? "peer",
            root.GetProperty("correctness").GetBoolean(),
            root.GetProperty("unique").GetProperty("opsPerSec").GetDouble(),
            root.GetProperty("duplicates").GetProperty("opsPerSec").GetDouble(),
            line,
            cpu);
    }

    private static async Task<string> RunAsync(string fileName, string[] arguments, string workingDirectory, Dictionary<string, string> environment) =>
        (await RunWithCpuAsync(fileName, arguments, workingDirectory, environment)).Output;

    private static async Task<(string Output, TimeSpan Cpu)> RunWithCpuAsync(string fileName, string[] arguments, string workingDirectory, Dictionary<string, string> environment)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Cannot start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        // An exited process's CPU time can no longer be read on Linux: sample it while it runs.
        var cpu = TimeSpan.Zero;
        var exited = process.WaitForExitAsync(timeout.Token);
        while (!exited.IsCompleted)
        {
            try
            {
                cpu = process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                // exited between the check and the read
            }

            await Task.WhenAny(exited, Task.Delay(50, timeout.Token));
        }

        await exited;
        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{output}{Environment.NewLine}{await stderr}");
        }

        return (output, cpu);
    }
}
