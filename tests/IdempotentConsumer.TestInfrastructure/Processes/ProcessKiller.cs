using System.Collections.Concurrent;
using System.Diagnostics;

namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>Stops emulator processes by pid, and every one still alive when the test process exits.</summary>
internal static class ProcessKiller
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    static ProcessKiller()
    {
        // A test host that ends without disposing its fixtures (a crash in a fixture, Ctrl+C) must not leave emulators behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Values)
            {
                KillTree(process);
            }
        };
    }

    public static void Track(Process process) => Live[process.Id] = process;

    public static void Untrack(Process process) => Live.TryRemove(process.Id, out _);

    public static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Already gone or not ours to signal any more.
        }
    }
}
