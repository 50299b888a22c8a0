using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace IdempotentConsumer.Templates.Tests;

/// <summary>
/// Once per test run: packs the library packages and the template pack from this repository into a
/// temporary folder feed, installs the pack into a private template hive (the user's own template
/// cache is never touched), and writes a nuget.config that sees the local feed plus the machine's
/// configured sources. Disposal uninstalls the pack and deletes everything.
/// </summary>
public sealed partial class TemplatePackFixture : IAsyncLifetime
{
    /// <summary>The version every generated project references: the repository's Version.</summary>
    public const string PackageVersion = "0.1.0";

    public const string TemplatePackId = "IdempotentConsumer.Templates";

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(2);

    public string RepoRoot { get; } = FindRepoRoot();

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ic-templates-" + Guid.NewGuid().ToString("N")[..12]);

    public string Feed => Path.Combine(Root, "feed");

    public string Hive => Path.Combine(Root, "hive");

    /// <summary>The official Amazon.Lambda packages beside the repository, where the NuGet source lacks them.</summary>
    public string LambdaFeed => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "nuget"));

    /// <summary>Generated projects live here; its nuget.config applies to all of them.</summary>
    public string Work => Path.Combine(Root, "work");

    /// <summary>The template and store combinations, generated and built once for the whole collection.</summary>
    public GeneratedVariants Variants { get; }

    public TemplatePackFixture() => Variants = new GeneratedVariants(this);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Hive);
        Directory.CreateDirectory(Work);
        await PackAsync();
        await DotnetCli.RunAsync(Root, CliTimeout, "new", "install", Path.Combine(Feed, $"{TemplatePackId}.{PackageVersion}.nupkg"), "--debug:custom-hive", Hive)
            .ContinueWith(t => t.Result.EnsureSuccess(), TaskScheduler.Default);
        await WriteNuGetConfigAsync();
    }

    /// <summary>Runs <c>dotnet new</c> against the private hive.</summary>
    public Task<DotnetCli.Result> NewAsync(params string[] arguments) =>
        DotnetCli.RunAsync(Work, CliTimeout, ["new", .. arguments, "--debug:custom-hive", Hive]);

    public async Task DisposeAsync()
    {
        try
        {
            await DotnetCli.RunAsync(Root, CliTimeout, "new", "uninstall", TemplatePackId, "--debug:custom-hive", Hive);
        }
        finally
        {
            // Build servers may still hold files for a moment; a leftover temp folder is not worth failing the run.
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>
    /// Packs every library under src/ and the template pack, in one build.
    /// </summary>
    private async Task PackAsync()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepoRoot, "src"))
            .Select(directory => Path.Combine(directory, Path.GetFileName(directory) + ".csproj"))
            .Where(File.Exists)
            .Append(Path.Combine(RepoRoot, "templates", "IdempotentConsumer.Templates.csproj"))
            .ToList();
        // One solution, one build: the shared core compiles once and the projects build side by side.
        var solution = Path.Combine(Root, "pack.slnx");
        await File.WriteAllTextAsync(solution, new XElement("Solution", projects.Select(project => new XElement("Project", new XAttribute("Path", project)))).ToString());
        (await DotnetCli.RunAsync(
            Root,
            PackTimeout,
            "pack", solution, "-c", "Release", "-nologo", "-v", "q",
            "-p:IsPackable=true", $"-p:PackageOutputPath={Feed}")).EnsureSuccess();
    }

    private async Task WriteNuGetConfigAsync()
    {
        var sources = await ReadMachineSourcesAsync();
        var config = new XElement(
            "configuration",
            new XElement(
                "config",

                // A private package cache: packages built by this run can never be confused with an older
                // build of the same version in the user's cache, nor land there.
                new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", Path.Combine(Root, "packages")))),
            new XElement(
                "packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "idempotent-consumer-local"), new XAttribute("value", Feed)),
                Directory.Exists(LambdaFeed) ? new XElement("add", new XAttribute("key", "amazon-lambda-local"), new XAttribute("value", LambdaFeed)) : null,
                sources.Select((source, index) => new XElement(
                    "add",
                    new XAttribute("key", string.Create(CultureInfo.InvariantCulture, $"machine-{index}")),
                    new XAttribute("value", source)))));
        await File.WriteAllTextAsync(Path.Combine(Work, "nuget.config"), config.ToString());
    }

    /// <summary>The enabled package sources the machine is configured with, as the repository sees them.</summary>
    private async Task<IReadOnlyList<string>> ReadMachineSourcesAsync()
    {
        var listed = (await DotnetCli.RunAsync(RepoRoot, CliTimeout, "nuget", "list", "source", "--format", "short")).EnsureSuccess();
        var sources = listed.Output
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => EnabledSource().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["source"].Value)
            .ToList();
        return sources.Count > 0
            ? sources
            : throw new InvalidOperationException($"No enabled NuGet source is configured on this machine:{Environment.NewLine}{listed.Output}");
    }

    [GeneratedRegex(@"^E\w*\s+(?<source>\S+)$")]
    private static partial Regex EnabledSource();

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IdempotentConsumer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No IdempotentConsumer.sln above {AppContext.BaseDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class TemplatePackCollection : ICollectionFixture<TemplatePackFixture>
{
    public const string Name = "template pack";
}
