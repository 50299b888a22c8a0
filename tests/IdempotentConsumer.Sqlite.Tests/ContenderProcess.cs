using System.Diagnostics;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>One running instance of the Contender program: a separate OS process with its own store on the shared file.</summary>
internal sealed class ContenderProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _standardError;

    private ContenderProcess(Process process)
    {
        _process = process;
        _standardError = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public static ContenderProcess Start(string databaseFile, int keyCount, int concurrency, string keyPrefix)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "IdempotentConsumer.Sqlite.Tests.Contender.dll");
        if (!File.Exists(program))
        {
            throw new FileNotFoundException("The contender program was not built next to the tests.", program);
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { program, databaseFile, keyCount.ToString(System.Globalization.CultureInfo.InvariantCulture), concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), keyPrefix })
        {
            start.ArgumentList.Add(argument);
        }

        return new ContenderProcess(Process.Start(start) ?? throw new InvalidOperationException("The contender process did not start."));
    }

    /// <summary>Waits until the process has opened its store and is ready to race.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line != "ready")
        {
            throw new InvalidOperationException($"Contender {Id} said '{line}' instead of 'ready'. stderr: {await StandardErrorAsync()}");
        }
    }

    public async Task GoAsync()
    {
        await _process.StandardInput.WriteLineAsync("go");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Reads the keys the process won until it says "done", then waits for a zero exit code.</summary>
    public async Task<IReadOnlyList<string>> CollectWinsAsync(CancellationToken cancellationToken)
    {
        var wins = new List<string>();
        while (await _process.StandardOutput.ReadLineAsync(cancellationToken) is { } line && line != "done")
        {
            wins.Add(line.StartsWith("won ", StringComparison.Ordinal)
                ? line["won ".Length..]
                : throw new InvalidOperationException($"Contender {Id} printed '{line}'."));
        }

        await _process.WaitForExitAsync(cancellationToken);
        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Contender {Id} exited with {_process.ExitCode}. stderr: {await StandardErrorAsync()}");
        }

        return wins;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private async Task<string> StandardErrorAsync() =>
        await Task.WhenAny(_standardError, Task.Delay(TimeSpan.FromSeconds(2))) == _standardError ? await _standardError : "(still running)";

    private static string DotnetHost()
    {
        // The SDK tells child processes which host launched it; the test host itself usually runs under that same dotnet.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? current
            : "dotnet";
    }
}
