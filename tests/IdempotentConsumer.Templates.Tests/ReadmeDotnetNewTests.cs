namespace IdempotentConsumer.Templates.Tests;

/// <summary>
/// The README's <c>dotnet new</c> lines, taken from README.md and run verbatim in a fresh copy of the repository
/// (generation happens in a temporary folder outside it), with private caches: they fail here whenever they
/// fail for a new user. The README's hosted-worker quick start is compiled by <see cref="ReadmeQuickStartTests"/>.
/// </summary>
public sealed class ReadmeDotnetNewTests(ReadmeFreshCloneFixture clone) : IClassFixture<ReadmeFreshCloneFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task Given_a_fresh_clone_When_the_README_dotnet_new_lines_run_verbatim_Then_both_generated_solutions_build_and_their_tests_pass()
    {
        var block = clone.ReadmeDotnetNewBlock();
        Assert.Contains("dotnet new idempotent-sqs-worker", block, StringComparison.Ordinal);
        Assert.Contains("dotnet new idempotent-sqs-lambda", block, StringComparison.Ordinal);

        var run = await clone.BashAsync(clone.Clone, block, Timeout);

        Assert.True(run.ExitCode == 0, $"The README's lines failed (exit {run.ExitCode}):{Environment.NewLine}{run.Output}");
        var testRuns = run.Output.Split('\n').Count(line => line.Contains("Passed!", StringComparison.Ordinal) || line.Contains("Test summary: total:", StringComparison.Ordinal));
        Assert.True(testRuns >= 2, $"Expected both generated test projects to run:{Environment.NewLine}{run.Output}");
        Assert.DoesNotContain(" Failed:", run.Output.Replace(" Failed:     0", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(clone.Packages, "idempotentconsumer")), "The generated projects did not restore into the private packages folder.");
    }
}
