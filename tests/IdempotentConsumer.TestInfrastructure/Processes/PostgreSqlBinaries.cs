using System.Diagnostics;

namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>
/// Finds the PostgreSQL server programs (initdb, pg_ctl, postgres) and runs them as a user PostgreSQL accepts: the
/// server refuses to run as root, so a root test run starts them as the <c>postgres</c> system user (created by the
/// Debian package) through <c>setpriv</c>, which replaces itself with the program, so the pid is the server's own.
/// </summary>
public static class PostgreSqlBinaries
{
    /// <summary>Where Debian's postgresql-15 package puts the programs when they are not on PATH.</summary>
    public const string DebianDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>The system user the programs run as when the test run is root.</summary>
    public const string ServiceUser = "postgres";

    /// <summary>The full path of <paramref name="program"/>: from PATH, else from <see cref="DebianDirectory"/>; null when missing.</summary>
    public static string? Find(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append(DebianDirectory))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>True when initdb, pg_ctl and postgres are all installed.</summary>
    public static bool AreInstalled => Find("initdb") is not null && Find("pg_ctl") is not null && Find("postgres") is not null;

    /// <summary>True when this process is root, so the programs must run as <see cref="ServiceUser"/>.</summary>
    public static bool MustSwitchUser => Environment.IsPrivilegedProcess;

    /// <summary>The executable and leading arguments that run <paramref name="program"/> as a user PostgreSQL accepts.</summary>
    public static (string FileName, IReadOnlyList<string> Prefix) Command(string program)
    {
        var path = Find(program) ?? throw new EmulatorStartException(
            $"PostgreSQL's {program} is not installed (looked on PATH and in {DebianDirectory}). Run tests/infra/install.sh as root (it installs postgresql-15 with apt-get).");
        return MustSwitchUser
            ? ("setpriv", ["--reuid=" + ServiceUser, "--regid=" + ServiceUser, "--init-groups", "--reset-env", path])
            : (path, []);
    }

    /// <summary>Runs <paramref name="program"/> to its end; throws with its output when it fails or takes longer than <paramref name="timeout"/>.</summary>
    public static async Task RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var (fileName, prefix) = Command(program);
        var output = new OutputBuffer(maxLines: 100);
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(fileName, [.. prefix, .. arguments])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                // The service user may not be able to enter the caller's working directory.
                WorkingDirectory = Path.GetTempPath(),
            },
        };
        process.StartInfo.Environment["LC_ALL"] = "C";
        process.OutputDataReceived += (_, e) => output.Add("out", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("err", e.Data);
        process.Start();
        ProcessKiller.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            ProcessKiller.KillTree(process);
            throw new EmulatorStartException($"{program} did not finish within {timeout.TotalSeconds:0} s.{Environment.NewLine}{output}");
        }
        finally
        {
            ProcessKiller.Untrack(process);
        }

        if (process.ExitCode != 0)
        {
            throw new EmulatorStartException($"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.{Environment.NewLine}{output}");
        }
    }
}
