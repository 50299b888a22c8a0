using System.Globalization;
using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>
/// A real PostgreSQL 15 server owned by the test run: <c>initdb</c> into a temporary directory, <c>postgres</c> on a
/// free 127.0.0.1 port (no Unix socket; fsync, synchronous commit and full-page writes off, since the data is thrown
/// away), trust authentication for the <c>postgres</c> superuser on loopback; ready once a login answers
/// <c>SELECT 1</c>; stopped with <c>pg_ctl stop</c> (then by pid if still alive), and the directory deleted. Run as
/// root, the programs run as the <c>postgres</c> system user (PostgreSQL refuses root).
/// </summary>
public sealed class PostgreSqlServerFixture : EmulatorFixture
{
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ic-postgres-{Guid.NewGuid():N}");

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>The Npgsql connection string of the superuser on the <c>postgres</c> database.</summary>
    public string ConnectionString => PostgreSqlReady.ConnectionString(Port);

    /// <summary>Creates a cluster in the temporary directory, then starts the server on it.</summary>
    public override async Task InitializeAsync()
    {
        await EmulatorInstaller.EnsureInstalledAsync();
        Directory.CreateDirectory(_directory);
        if (PostgreSqlBinaries.MustSwitchUser && !OperatingSystem.IsWindows())
        {
            // initdb (as the service user) creates the data directory itself, with the 0700 mode the server insists on.
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        }

        await PostgreSqlBinaries.RunAsync(
            "initdb",
            ["-D", DataDirectory, "-U", PostgreSqlBinaries.ServiceUser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            InitDbTimeout);
        await base.InitializeAsync();
    }

    /// <summary>Stops the server (fast shutdown, then by pid), then removes the cluster's directory.</summary>
    public override async Task DisposeAsync()
    {
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                await PostgreSqlBinaries.RunAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w"], StopTimeout);
            }
        }
        catch (EmulatorStartException)
        {
            // Not running (never started, or already gone): the kill by pid below covers whatever is left.
        }
        finally
        {
            await base.DisposeAsync();
            DeleteDirectory(_directory);
        }
    }

    /// <inheritdoc />
    protected override EmulatorLaunch CreateLaunch()
    {
        var (fileName, prefix) = PostgreSqlBinaries.Command("postgres");
        return new EmulatorLaunch(
            "PostgreSQL",
            fileName,
            port =>
            [
                .. prefix,
                "-D", DataDirectory,
                "-p", port.ToString(CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                "-c", "max_connections=200",
                "-c", "log_min_messages=warning",
            ])
        {
            WorkingDirectory = _directory,
            ReadinessProbe = PostgreSqlReady.AnswersAsync,
            StartTimeout = TimeSpan.FromSeconds(60),
            Hint = "Run tests/infra/install.sh as root (it installs postgresql-15 with apt-get) and see the output below.",
        };
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created, or already gone.
        }
    }
}
