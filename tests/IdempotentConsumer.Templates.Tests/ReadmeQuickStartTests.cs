using System.Xml.Linq;

namespace IdempotentConsumer.Templates.Tests;

/// <summary>
/// Compiles the README's hosted-worker quick start as the README says to use it: a <c>dotnet new worker</c>
/// project, the packages the README lists, and its Program.cs. The repository's packages come from the template
/// pack fixture's feed (packed once from this repository for the whole collection, instead of packing them again);
/// every command runs with the fresh-clone fixture's private home, NuGet packages folder and TMPDIR.
/// </summary>
[Collection(TemplatePackCollection.Name)]
public sealed class ReadmeQuickStartTests(TemplatePackFixture pack, ReadmeFreshCloneFixture clone) : IClassFixture<ReadmeFreshCloneFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task Given_a_dotnet_new_worker_project_with_the_listed_packages_When_Program_cs_is_the_README_quick_start_Then_it_compiles()
    {
        var project = Path.Combine(clone.Temp, "QuickStart");
        (await clone.BashAsync(clone.Temp, "dotnet new worker -n QuickStart -o QuickStart", Timeout)).EnsureSuccess();
        var config = new XElement(
            "configuration",
            new XElement(
                "packageSources",
                new XElement("add", new XAttribute("key", "idempotent-consumer"), new XAttribute("value", pack.Feed))));
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
