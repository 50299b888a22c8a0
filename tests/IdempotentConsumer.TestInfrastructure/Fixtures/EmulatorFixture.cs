using IdempotentConsumer.TestInfrastructure.Processes;
using Xunit;

namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>
/// An emulator started once per fixture (use it as a class or collection fixture so a whole test
/// collection shares one process). Installs what is missing first; fails loudly if it cannot start.
/// </summary>
public abstract class EmulatorFixture : IAsyncLifetime
{
    private EmulatorProcess? _process;

    /// <summary>The running emulator.</summary>
    public EmulatorProcess Process =>
        _process ?? throw new InvalidOperationException($"{GetType().Name} is not started: xUnit calls InitializeAsync (or call it yourself outside xUnit).");

    /// <summary>The endpoint clients use: <c>http://127.0.0.1:PORT</c>.</summary>
    public string ServiceUrl => Process.ServiceUrl;

    /// <summary>The emulator's port on 127.0.0.1.</summary>
    public int Port => Process.Port;

    /// <summary>Describes how to start this emulator.</summary>
    protected abstract EmulatorLaunch CreateLaunch();

    /// <summary>Installs what is missing, then starts the emulator and waits until it answers.</summary>
    public virtual async Task InitializeAsync()
    {
        await EmulatorInstaller.EnsureInstalledAsync();
        _process = await EmulatorProcess.StartAsync(CreateLaunch());
    }

    /// <summary>Stops the emulator (kills its process tree by pid).</summary>
    public virtual async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <summary>"java" from JAVA_HOME when set, else from PATH.</summary>
    protected static string JavaExecutable()
    {
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        var candidate = string.IsNullOrEmpty(javaHome) ? null : Path.Combine(javaHome, "bin", "java");
        return candidate is not null && File.Exists(candidate) ? candidate : "java";
    }

    /// <summary>The message appended to start failures.</summary>
    protected const string InstallHint = "Run tests/infra/install.sh (needs Node.js 20+ and Java 17+) and see the output below.";
}
