using Xunit;

namespace IdempotentConsumer.TestInfrastructure.Tests;

public sealed class RepoPathsTests
{
    [Fact]
    public void Given_a_test_running_from_bin_When_the_repo_root_is_resolved_Then_it_holds_the_solution_and_the_infra_scripts()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.RepoRoot, "IdempotentConsumer.sln")));
        Assert.True(File.Exists(RepoPaths.InstallScript));
        Assert.True(File.Exists(Path.Combine(RepoPaths.InfraDirectory, "fauxqs-server.mjs")));
    }

    [Fact]
    public async Task Given_installed_emulators_When_ensured_Then_nothing_is_missing()
    {
        await EmulatorInstaller.EnsureInstalledAsync();

        Assert.Empty(EmulatorInstaller.FindMissing());
    }

    [Fact]
    public async Task Given_a_free_port_When_probed_Then_nothing_listens_and_ports_are_not_handed_out_twice()
    {
        var ports = Enumerable.Range(0, 20).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.False(await FreePort.IsListeningAsync(ports[0], TimeSpan.FromSeconds(1)));
    }
}
