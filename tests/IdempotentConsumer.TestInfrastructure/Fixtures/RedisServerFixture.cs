using System.Globalization;
using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>
/// A real <c>redis-server</c> (installed by tests/infra/install.sh from apt) on a free 127.0.0.1 port, with
/// persistence off and its working directory in a temporary folder; ready once PING answers, stopped by pid. A server
/// that cannot start fails the tests that need it.
/// </summary>
public sealed class RedisServerFixture : EmulatorFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ic-redis-{Guid.NewGuid():N}");

    /// <summary>The StackExchange.Redis configuration string for this server: <c>127.0.0.1:PORT</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Creates the working directory, then starts the server.</summary>
    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return base.InitializeAsync();
    }

    /// <summary>Stops the server, then removes its working directory.</summary>
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDirectory(_directory);
    }

    /// <summary>
    /// Starts another redis-server, owned by the caller (dispose it to kill it): on <paramref name="port"/> when given
    /// (a restart where clients expect it), else on a free port. <paramref name="directory"/> must exist.
    /// <paramref name="extraArguments"/> are appended (e.g. <c>--cluster-enabled yes</c>).
    /// </summary>
    public static async Task<EmulatorProcess> StartServerAsync(
        string directory,
        int? port = null,
        IReadOnlyList<string>? extraArguments = null,
        CancellationToken cancellationToken = default)
    {
        await EmulatorInstaller.EnsureInstalledAsync(cancellationToken);
        return await EmulatorProcess.StartAsync(Launch(directory, port, extraArguments ?? []), cancellationToken);
    }

    /// <inheritdoc />
    protected override EmulatorLaunch CreateLaunch() => Launch(_directory, port: null, []);

    private static EmulatorLaunch Launch(string directory, int? port, IReadOnlyList<string> extraArguments) => new(
        "redis-server",
        "redis-server",
        p =>
        [
            "--port", p.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "no",
            "--dir", directory,
            .. extraArguments,
        ])
    {
        WorkingDirectory = directory,
        ReadinessProbe = RespPing.AnswersAsync,
        Port = port,
        StartTimeout = TimeSpan.FromSeconds(30),
        Hint = "Run tests/infra/install.sh as root (it installs redis-server with apt-get) and see the output below.",
    };

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
