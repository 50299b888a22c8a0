using System.Diagnostics;

namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>
/// One running emulator: started on a free 127.0.0.1 port, ready once the port answers HTTP, stopped by
/// killing its process tree by pid. Its output is captured for failure messages.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private static readonly HttpClient Probe = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private int _disposed;
    private bool _stopped;

    private EmulatorProcess(string name, Process process, int port, OutputBuffer output, TimeSpan startDuration)
    {
        Name = name;
        _process = process;
        Port = port;
        Output = output;
        StartDuration = startDuration;
    }

    /// <summary>The emulator's human name.</summary>
    public string Name { get; }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The pid of the started process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The endpoint clients use (always 127.0.0.1).</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>What the process printed (last lines).</summary>
    public OutputBuffer Output { get; }

    /// <summary>How long it took from launch until the port answered.</summary>
    public TimeSpan StartDuration { get; }

    /// <summary>True once the process has ended (always true after <see cref="DisposeAsync"/>).</summary>
    public bool HasExited => Volatile.Read(ref _stopped) || _process.HasExited;

    /// <summary>Starts the emulator and waits until it answers; throws <see cref="EmulatorStartException"/> with its output otherwise.</summary>
    public static async Task<EmulatorProcess> StartAsync(EmulatorLaunch launch, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        var attempts = launch.Port is null ? launch.Attempts : 1;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var port = launch.Port ?? FreePort.Next();
            var (started, failure) = await TryStartAsync(launch, port, cancellationToken);
            if (started is not null)
            {
                return started;
            }

            failures.Add($"--- attempt {attempt} on port {port}: {failure}");
        }

        throw new EmulatorStartException(
            $"{launch.Name} could not be started ({launch.FileName}).{(launch.Hint is null ? string.Empty : " " + launch.Hint)}{System.Environment.NewLine}"
            + string.Join(System.Environment.NewLine, failures));
    }

    private static async Task<(EmulatorProcess? Started, string? Failure)> TryStartAsync(EmulatorLaunch launch, int port, CancellationToken cancellationToken)
    {
        var output = new OutputBuffer(maxLines: 200);
        var startInfo = new ProcessStartInfo(launch.FileName, launch.Arguments(port))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = launch.WorkingDirectory ?? string.Empty,
        };
        foreach (var (name, value) in launch.Environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Add("out", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("err", e.Data);
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            return (null, $"cannot launch '{launch.FileName}': {exception.Message}");
        }

        ProcessKiller.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string failure;
        try
        {
            failure = await WaitUntilAnsweringAsync(process, port, launch, cancellationToken) ?? string.Empty;
        }
        catch
        {
            await StopAsync(process);
            throw;
        }

        if (failure.Length == 0)
        {
            return (new EmulatorProcess(launch.Name, process, port, output, clock.Elapsed), null);
        }

        await StopAsync(process);
        return (null, $"{failure}{System.Environment.NewLine}{output}");
    }

    /// <summary>Null when the port answers (HTTP, or the launch's own probe); otherwise why not.</summary>
    private static async Task<string?> WaitUntilAnsweringAsync(Process process, int port, EmulatorLaunch launch, CancellationToken cancellationToken)
    {
        var timeout = launch.StartTimeout;
        var ready = launch.ReadinessProbe ?? AnswersHttpAsync;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                // Let the output readers drain so the message shows why it died.
                await process.WaitForExitAsync(cancellationToken);
                return $"the process exited with code {process.ExitCode} before answering on port {port}.";
            }

            if (await FreePort.IsListeningAsync(port, TimeSpan.FromSeconds(1), cancellationToken) && await ready(port, cancellationToken))
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        var what = launch.ReadinessProbe is null ? "HTTP answer" : "answer to the readiness probe";
        return $"no {what} on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s.";
    }

    private static async Task<bool> AnswersHttpAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            // Any status code means the HTTP layer is up; the emulators answer 400/404 to a bare GET.
            using var response = await Probe.GetAsync(new Uri($"http://127.0.0.1:{port}/"), cancellationToken);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Kills the process tree by pid and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(_process);
        Volatile.Write(ref _stopped, true);
    }

    private static async Task StopAsync(Process process)
    {
        ProcessKiller.KillTree(process);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new EmulatorStartException($"Process {process.Id} did not exit within {StopTimeout.TotalSeconds:0} s of being killed.");
        }
        finally
        {
            ProcessKiller.Untrack(process);
            process.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} (pid {ProcessId}) at {ServiceUrl}";
}
