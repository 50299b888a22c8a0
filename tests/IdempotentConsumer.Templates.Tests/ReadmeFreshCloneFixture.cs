using System.Diagnostics;
using System.Text.RegularExpressions;

namespace IdempotentConsumer.Templates.Tests;

/// <summary>
/// A fresh clone as a new user has it: the repository's files (tracked and new, not ignored, no build output)
/// copied to a temporary folder with <c>shared/</c> beside it, as CI lays it out. Every child process gets a
/// private home (its own template hive), a private NuGet packages folder set through NUGET_PACKAGES (which
/// overrides any configuration, and every other NUGET_* variable of this process is dropped), and a private
/// TMPDIR, so nothing comes from, or lands in, the user's caches.
/// </summary>
public sealed partial class ReadmeFreshCloneFixture : IAsyncLifetime
{
    public string RepoRoot { get; } = FindRepoRoot();

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ic-readme-" + Guid.NewGuid().ToString("N")[..12]);

    public string Clone => Path.Combine(Root, "IdempotentConsumer");

    public string Packages => Path.Combine(Root, "nuget-packages");

    public string Temp => Path.Combine(Root, "tmp");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["HOME"] = Path.Combine(Root, "home"),
        ["DOTNET_CLI_HOME"] = Path.Combine(Root, "home"),
        ["NUGET_PACKAGES"] = Packages,
        ["TMPDIR"] = Temp,
        ["NO_COLOR"] = "1",
    };

    public async Task InitializeAsync()
    {
        foreach (var folder in new[] { Clone, Packages, Temp, Path.Combine(Root, "home") })
        {
            Directory.CreateDirectory(folder);
        }

        // The user-level NuGet configuration names the machine's package source; the private home keeps it.
        var userNuGet = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");
        if (File.Exists(userNuGet))
        {
            var target = Path.Combine(Root, "home", ".nuget", "NuGet");
            Directory.CreateDirectory(target);
            File.Copy(userNuGet, Path.Combine(target, "NuGet.Config"));
        }

        await CopyRepositoryAsync();
        var shared = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
        if (Directory.Exists(shared))
        {
            Directory.CreateSymbolicLink(Path.Combine(Root, "shared"), shared);
        }
    }

    /// <summary>The bash block under the README's <c>dotnet new</c> heading, exactly as written.</summary>
    public string ReadmeDotnetNewBlock()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md"));
        var match = DotnetNewBlock().Match(readme);
        return match.Success ? match.Groups["code"].Value : throw new InvalidOperationException("README.md has no ```bash block under '## `dotnet new`'.");
    }

    /// <summary>The csharp block under the README's <c>Quick start: hosted worker</c> heading, exactly as written.</summary>
    public string ReadmeWorkerQuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md"));
        var match = WorkerQuickStartBlock().Match(readme);
        return match.Success ? match.Groups["code"].Value : throw new InvalidOperationException("README.md has no ```csharp block under '## Quick start: hosted worker'.");
    }

    public Task<DotnetCli.Result> BashAsync(string workingDirectory, string script, TimeSpan timeout) =>
        DotnetCli.RunAsync("bash", workingDirectory, timeout, Environment, "-euo", "pipefail", "-c", script);

    public Task DisposeAsync()
    {
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

        return Task.CompletedTask;
    }

    private async Task CopyRepositoryAsync()
    {
        var listed = await DotnetCli.RunAsync("git", RepoRoot, TimeSpan.FromMinutes(1), null, "ls-files", "--cached", "--others", "--exclude-standard");
        listed.EnsureSuccess();
        foreach (var relative in listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var source = Path.Combine(RepoRoot, relative);
            var info = new FileInfo(source);

            // Deleted files and symlinks (the emulator folders are links into another checkout) are not part of a clone.
            if (!info.Exists || info.LinkTarget is not null)
            {
                continue;
            }

            var target = Path.Combine(Clone, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(source));
            }
        }
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IdempotentConsumer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new UnreachableException($"No IdempotentConsumer.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^## `dotnet new`\s*$.*?^```bash\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex DotnetNewBlock();

    [GeneratedRegex(@"^## Quick start: hosted worker\s*$.*?^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex WorkerQuickStartBlock();
}
