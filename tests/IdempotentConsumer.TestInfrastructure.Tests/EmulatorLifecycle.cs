using System.Diagnostics;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.TestInfrastructure.Tests;

/// <summary>Starts a fixture outside xUnit's lifetime, so a test can observe the start and the stop.</summary>
internal static class EmulatorLifecycle
{
    public static async Task RunAsync<TFixture>(TFixture fixture, ITestOutputHelper output, Func<TFixture, Task> whileRunning)
        where TFixture : EmulatorFixture
    {
        var clock = Stopwatch.StartNew();
        await fixture.InitializeAsync();
        var started = clock.Elapsed;
        var port = fixture.Port;
        var pid = fixture.Process.ProcessId;
        try
        {
            Assert.Equal($"http://127.0.0.1:{port}", fixture.ServiceUrl);
            Assert.True(await FreePort.IsListeningAsync(port, TimeSpan.FromSeconds(2)), $"{fixture.Process} is not listening after start.");
            await whileRunning(fixture);
        }
        finally
        {
            clock.Restart();
            await fixture.DisposeAsync();
        }

        var stopped = clock.Elapsed;
        output.WriteLine($"{fixture.Process.Name}: started in {started.TotalMilliseconds:0} ms (process {fixture.Process.StartDuration.TotalMilliseconds:0} ms), stopped in {stopped.TotalMilliseconds:0} ms");
        Assert.True(fixture.Process.HasExited, $"pid {pid} is still running after dispose.");
        Assert.False(await FreePort.IsListeningAsync(port, TimeSpan.FromSeconds(1)), $"port {port} still accepts connections after dispose.");
    }
}
