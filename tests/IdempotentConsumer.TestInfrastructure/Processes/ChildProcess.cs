using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>
/// A command a test runs as a real process (a CLI, a peer implementation): stdin to write, stdout read line by
/// line as it comes (to wait for "started"), killed by pid on timeout or disposal.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; <paramref name="environment"/> adds (or, with null, removes) variables.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var child = new ChildProcess(new Process { StartInfo = info });
        child._process.OutputDataReceived += (_, e) => child.OnLine(e.Data, child._stdout, child._stdoutClosed, toChannel: true);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, child._stderr, child._stderrClosed, toChannel: false);
        child._process.Start();
        ProcessKiller.Track(child._process);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a command to its end with <paramref name="standardInput"/> (then closed) and returns what it wrote.</summary>
    public static async Task<ChildProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null,
        TimeSpan? timeout = null)
    {
        await using var child = Start(fileName, arguments, environment);
        if (standardInput is not null)
        {
            await child._process.StandardInput.WriteAsync(standardInput);
        }

        child._process.StandardInput.Close();
        return await child.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(1));
    }

    /// <summary>Waits for a stdout line matching <paramref name="predicate"/>; fails if the process ends or time runs out first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(deadline.Token))
            {
                if (predicate(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching line within {timeout}.{Environment.NewLine}{Snapshot()}");
        }

        throw new InvalidOperationException($"The process ended without the expected line.{Environment.NewLine}{Snapshot()}");
    }

    /// <summary>Waits for the process to end (killing it after <paramref name="timeout"/>) and returns what it wrote.</summary>
    public async Task<ChildProcessResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            ProcessKiller.KillTree(_process);
            throw new TimeoutException($"{_process.StartInfo.FileName} did not exit within {timeout}.{Environment.NewLine}{Snapshot()}");
        }

        return new ChildProcessResult(_process.ExitCode, Read(_stdout), Read(_stderr));
    }

    /// <summary>Kills the process if it still runs.</summary>
    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                ProcessKiller.KillTree(_process);
            }
        }
        finally
        {
            ProcessKiller.Untrack(_process);
            _process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void OnLine(string? line, StringBuilder buffer, TaskCompletionSource closed, bool toChannel)
    {
        if (line is null)
        {
            closed.TrySetResult();
            if (toChannel)
            {
                _lines.Writer.TryComplete();
            }

            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }

        if (toChannel)
        {
            _lines.Writer.TryWrite(line);
        }
    }

    private string Snapshot() => $"stdout:{Environment.NewLine}{Read(_stdout)}stderr:{Environment.NewLine}{Read(_stderr)}";

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
