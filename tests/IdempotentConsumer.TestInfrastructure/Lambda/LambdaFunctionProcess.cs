using System.Diagnostics;
using System.Globalization;
using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure.Lambda;

/// <summary>
/// A function running as its own OS process against a <see cref="LambdaRuntimeApiEmulator"/>: one
/// execution environment. When the process exits the emulator is told, so the invocation it held fails
/// as Lambda's <c>Runtime.ExitError</c> instead of waiting for its deadline.
/// </summary>
public sealed class LambdaFunctionProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LambdaFunctionProcess(Process process, OutputBuffer output)
    {
        _process = process;
        Output = output;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The last lines the function printed (its logs), for failure messages.</summary>
    public OutputBuffer Output { get; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_exited.Task.IsCompleted;

    /// <summary>Starts the function with <c>AWS_LAMBDA_RUNTIME_API</c> pointing at <paramref name="emulator"/>.</summary>
    public static LambdaFunctionProcess Start(LambdaFunctionLaunch launch, LambdaRuntimeApiEmulator emulator)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(emulator);
        var info = new ProcessStartInfo(launch.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var argument in launch.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // What Lambda sets in every execution environment that the runtime and the SDK read.
        info.Environment["AWS_LAMBDA_RUNTIME_API"] = emulator.RuntimeApiAddress;
        info.Environment["AWS_LAMBDA_FUNCTION_NAME"] = emulator.FunctionName;
        info.Environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        info.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = launch.MemorySizeMb.ToString(CultureInfo.InvariantCulture);
        info.Environment["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + emulator.FunctionName;
        info.Environment["AWS_LAMBDA_LOG_STREAM_NAME"] = "local";
        info.Environment["AWS_REGION"] = AwsTestCredentials.Region;
        info.Environment["AWS_DEFAULT_REGION"] = AwsTestCredentials.Region;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in launch.Environment)
        {
            info.Environment[name] = value;
        }

        var output = new OutputBuffer(400);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var function = new LambdaFunctionProcess(process, output);
        process.OutputDataReceived += (_, e) => output.Add("stdout", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("stderr", e.Data);
        process.Exited += (_, _) =>
        {
            var code = process.ExitCode;
            emulator.ReportRuntimeExited(string.Create(CultureInfo.InvariantCulture, $"The runtime process {process.Id} exited with code {code}."));
            ProcessKiller.Untrack(process);
            function._exited.TrySetResult(code);
        };
        process.Start();
        ProcessKiller.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return function;
    }

    /// <summary>
    /// The process's peak resident set size (Linux <c>VmHWM</c>) so far, in bytes; read it before the process ends.
    /// </summary>
    public long PeakResidentBytes()
    {
        var status = $"/proc/{_process.Id}/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }

        _process.Refresh();
        return _process.PeakWorkingSet64;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or an out-of-memory kill would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        ProcessKiller.KillTree(_process);
        await Exited.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            await KillAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
