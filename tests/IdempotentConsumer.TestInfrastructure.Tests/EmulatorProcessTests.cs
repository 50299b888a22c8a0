using IdempotentConsumer.TestInfrastructure.Processes;
using Xunit;

namespace IdempotentConsumer.TestInfrastructure.Tests;

/// <summary>A server that cannot start fails the test with its own words, never a skip or a hang.</summary>
public sealed class EmulatorProcessTests
{
    [Fact]
    public async Task Given_a_process_that_dies_at_start_When_started_Then_the_exception_names_it_and_carries_its_output()
    {
        var launch = new EmulatorLaunch(
            "doomed",
            "node",
            _ => ["-e", "console.log('starting'); console.error('cannot open the database'); process.exit(3)"])
        {
            Attempts = 2,
            Hint = "Install it first.",
        };

        var exception = await Assert.ThrowsAsync<EmulatorStartException>(() => EmulatorProcess.StartAsync(launch));

        Assert.Contains("doomed could not be started", exception.Message);
        Assert.Contains("Install it first.", exception.Message);
        Assert.Contains("exited with code 3", exception.Message);
        Assert.Contains("[err] cannot open the database", exception.Message);
        Assert.Contains("[out] starting", exception.Message);
        Assert.Contains("attempt 2", exception.Message);
    }

    [Fact]
    public async Task Given_a_process_that_never_answers_When_the_deadline_passes_Then_it_is_killed_and_the_exception_says_so()
    {
        var launch = new EmulatorLaunch("silent", "node", _ => ["-e", "setInterval(() => {}, 1000)"])
        {
            Attempts = 1,
            StartTimeout = TimeSpan.FromSeconds(1),
        };

        var exception = await Assert.ThrowsAsync<EmulatorStartException>(() => EmulatorProcess.StartAsync(launch));

        Assert.Contains("no HTTP answer", exception.Message);
    }

    [Fact]
    public async Task Given_a_missing_executable_When_started_Then_the_exception_names_the_executable()
    {
        var launch = new EmulatorLaunch("ghost", "/nonexistent/bin/ghost-emulator", _ => []) { Attempts = 1 };

        var exception = await Assert.ThrowsAsync<EmulatorStartException>(() => EmulatorProcess.StartAsync(launch));

        Assert.Contains("/nonexistent/bin/ghost-emulator", exception.Message);
    }
}
