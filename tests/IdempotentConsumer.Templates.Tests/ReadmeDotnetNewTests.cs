using System.Xml.Linq;

namespace IdempotentConsumer.Templates.Tests;

/// <summary>
/// The README's <c>dotnet new</c> lines, taken from README.md and run verbatim in a fresh copy of the repository
/// (generation happens in a temporary folder outside it), with private caches: they fail here whenever they
/// fail for a new user. Also compiles the README's hosted-worker quick start as the README says to use it.
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

    [Fact]
    public async Task Given_a_dotnet_new_worker_project_with_the_listed_packages_When_Program_cs_is_the_README_quick_start_Then_it_compiles()
    {
        var feed = await PackLibrariesAsync();
        var project = Path.Combine(clone.Temp, "QuickStart");
        (await clone.BashAsync(clone.Temp, "dotnet new worker -n QuickStart -o QuickStart", Timeout)).EnsureSuccess();
        var config = new XElement(
            "configuration",
            new XElement(
                "packageSources",
                new XElement("add", new XAttribute("key", "idempotent-consumer"), new XAttribute("value", feed))));
        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), config.ToString());
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), clone.ReadmeWorkerQuickStart());

        var listed = PackagesListedInReadme();
        foreach (var package in listed)
        {
            var version = package.StartsWith("IdempotentConsumer", StringComparison.Ordinal) ? TemplatePackFixture.PackageVersion : CentralVersion(package);
            (await clone.BashAsync(project, $"dotnet add package {package} --version {version}", Timeout)).EnsureSuccess();
        }

        var build = await clone.BashAsync(project, "dotnet build -nologo", Timeout);
        Assert.True(build.ExitCode == 0, $"The README's worker quick start does not compile:{Environment.NewLine}{build.Output}");
    }

    private async Task<string> PackLibrariesAsync()
    {
        var feed = Path.Combine(clone.Root, "quickstart-feed");
        foreach (var library in new[] { "IdempotentConsumer.Hosting", "IdempotentConsumer.Sqs", "IdempotentConsumer.DynamoDB", "IdempotentConsumer" })
        {
            (await clone.BashAsync(clone.Clone, $"dotnet pack src/{library}/{library}.csproj -c Release -o '{feed}' -nologo -v q", Timeout)).EnsureSuccess();
        }

        return feed;
    }

    /// <summary>The packages the README names before the quick start (in backticks).</summary>
    private IReadOnlyList<string> PackagesListedInReadme()
    {
        var readme = File.ReadAllText(Path.Combine(clone.RepoRoot, "README.md"));
        var start = readme.IndexOf("## Quick start: hosted worker", StringComparison.Ordinal);
        var intro = readme[start..readme.IndexOf("```csharp", start, StringComparison.Ordinal)];
        var packages = System.Text.RegularExpressions.Regex.Matches(intro, "`((?:IdempotentConsumer|AWSSDK)[A-Za-z.]*)`").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(packages);
        return packages;
    }

    private string CentralVersion(string package) =>
        XDocument.Load(Path.Combine(clone.RepoRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Single(p => p.Attribute("Include")?.Value == package)
            .Attribute("Version")!.Value;
}
