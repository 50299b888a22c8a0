using System.Diagnostics;
using System.Security.Cryptography;
using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure;

/// <summary>
/// Makes sure the pinned emulators are installed before a fixture starts one: runs
/// <c>tests/infra/install.sh</c> at most once per process, and only when something is missing.
/// </summary>
public static class EmulatorInstaller
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(12);
    private static readonly Lazy<Task> Installation = new(InstallIfMissingAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Completes once every emulator is installed; throws with the installer's output when it cannot install.</summary>
    public static Task EnsureInstalledAsync(CancellationToken cancellationToken = default) =>
        Installation.Value.WaitAsync(cancellationToken);

    /// <summary>What is missing right now, in words (empty when everything is installed).</summary>
    public static IReadOnlyList<string> FindMissing()
    {
        var missing = new List<string>();
        var nodeModules = RepoPaths.NodeModulesDirectory;
        RequireFile(Path.Combine(nodeModules, "dynalite", "cli.js"), "dynalite", missing);
        RequireFile(Path.Combine(nodeModules, "fauxqs", "dist", "app.js"), "fauxqs", missing);
        var stamp = Path.Combine(nodeModules, ".ic-install-stamp");
        if (!File.Exists(stamp) || File.ReadAllText(stamp).Trim() != HashFile(Path.Combine(RepoPaths.InfraDirectory, "package-lock.json")))
        {
            missing.Add("node_modules matching tests/infra/package-lock.json");
        }

        var peerStamp = Path.Combine(RepoPaths.PowertoolsPeerDirectory, "node_modules", ".ic-install-stamp");
        if (!File.Exists(peerStamp) || File.ReadAllText(peerStamp).Trim() != HashFile(Path.Combine(RepoPaths.PowertoolsPeerDirectory, "package-lock.json")))
        {
            missing.Add("Powertools peer node_modules matching tests/infra/powertools-peer/package-lock.json");
        }

        RequireFile(Path.Combine(RepoPaths.DynamoDbLocalDirectory, "DynamoDBLocal.jar"), "DynamoDB Local", missing);
        RequireFile(Path.Combine(RepoPaths.DynamoDbLocalDirectory, ".ic-install-stamp"), "DynamoDB Local install stamp", missing);
        if (!IsOnPath("redis-server"))
        {
            missing.Add("redis-server");
        }

        if (!PostgreSqlBinaries.AreInstalled)
        {
            missing.Add("PostgreSQL 15 (initdb, pg_ctl, postgres)");
        }

        if (!IsToolRestored("garnet-server", "2.2.8"))
        {
            missing.Add("garnet-server 2.2.8 (dotnet tool restore)");
        }

        return missing;
    }

    private static async Task InstallIfMissingAsync()
    {
        if (FindMissing().Count == 0)
        {
            return;
        }

        Directory.CreateDirectory(RepoPaths.EmulatorsDirectory);
        // Parallel test assemblies are separate processes: serialize them on a lock file, then look again,
        // since the holder before us may have installed everything. (install.sh locks its own, different file.)
        await using var lockFile = await AcquireLockAsync(Path.Combine(RepoPaths.EmulatorsDirectory, ".installer.lock"));
        var missing = FindMissing();
        if (missing.Count == 0)
        {
            return;
        }

        await RunInstallScriptAsync(missing);
        var stillMissing = FindMissing();
        if (stillMissing.Count > 0)
        {
            throw new EmulatorStartException(
                $"tests/infra/install.sh finished but these are still missing: {string.Join(", ", stillMissing)}.");
        }
    }

    private static async Task RunInstallScriptAsync(IReadOnlyList<string> missing)
    {
        var output = new OutputBuffer(maxLines: 400);
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo("bash", [RepoPaths.InstallScript])
            {
                WorkingDirectory = RepoPaths.InfraDirectory,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
        };
        process.OutputDataReceived += (_, e) => output.Add("out", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("err", e.Data);
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new EmulatorStartException($"Cannot run tests/infra/install.sh (needed for: {string.Join(", ", missing)}): {exception.Message}", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            ProcessKiller.KillTree(process);
            throw new EmulatorStartException(
                $"tests/infra/install.sh did not finish within {InstallTimeout.TotalMinutes} minutes.{Environment.NewLine}{output}");
        }

        if (process.ExitCode != 0)
        {
            throw new EmulatorStartException(
                $"tests/infra/install.sh failed with exit code {process.ExitCode} while installing {string.Join(", ", missing)}.{Environment.NewLine}{output}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive advisory lock on Unix too, released when the stream closes or the process dies.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < LockTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    private static void RequireFile(string path, string what, List<string> missing)
    {
        if (!File.Exists(path))
        {
            missing.Add(what);
        }
    }

    // Local dotnet tools restore into the NuGet package folder (NUGET_PACKAGES, or ~/.nuget/packages).
    private static bool IsToolRestored(string package, string version)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        return Directory.Exists(Path.Combine(packages, package, version));
    }

    private static bool IsOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, executable)));

    private static string HashFile(string path) =>
        File.Exists(path) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : "(no lock file)";
}
