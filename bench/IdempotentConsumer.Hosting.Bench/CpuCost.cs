using System.Diagnostics;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>
/// CPU spent per message by this process and by the emulator. On a shared, busy machine wall-clock rates swing with
/// the neighbours' load; CPU per message does not, and the sum of the two is what a CPU-bound run is limited by.
/// </summary>
public sealed class CpuCost(int emulatorProcessId)
{
    private TimeSpan _self;
    private TimeSpan _emulator;

    public void Start()
    {
        _self = Process.GetCurrentProcess().TotalProcessorTime;
        _emulator = EmulatorTime();
    }

    /// <returns>Microseconds of CPU per message: (this process, the emulator).</returns>
    public (double Self, double Emulator) PerMessage(int messages) => (
        (Process.GetCurrentProcess().TotalProcessorTime - _self).TotalMicroseconds / messages,
        (EmulatorTime() - _emulator).TotalMicroseconds / messages);

    private TimeSpan EmulatorTime()
    {
        using var process = Process.GetProcessById(emulatorProcessId);
        return process.TotalProcessorTime;
    }
}
