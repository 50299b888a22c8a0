namespace IdempotentConsumer.TestInfrastructure;

/// <summary>Locations inside the repository, found from the running assembly (tests run from bin/).</summary>
public static class RepoPaths
{
    private const string SolutionFileName = "IdempotentConsumer.sln";

    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The repository root: the nearest ancestor holding IdempotentConsumer.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary><c>tests/infra</c>: install.sh, package.json and the emulator launch scripts.</summary>
    public static string InfraDirectory => Path.Combine(RepoRoot, "tests", "infra");

    /// <summary><c>tests/infra/node_modules</c>: dynalite and fauxqs (installed by npm ci).</summary>
    public static string NodeModulesDirectory => Path.Combine(InfraDirectory, "node_modules");

    /// <summary><c>tests/infra/.emulators</c>: emulators that are not npm dependencies (gitignored).</summary>
    public static string EmulatorsDirectory => Path.Combine(InfraDirectory, ".emulators");

    /// <summary>The DynamoDB Local jar and its native libraries.</summary>
    public static string DynamoDbLocalDirectory => Path.Combine(EmulatorsDirectory, "dynamodb-local");

    /// <summary><c>tests/infra/powertools-peer</c>: Powertools for AWS Lambda (TypeScript), for the DynamoDB interop tests.</summary>
    public static string PowertoolsPeerDirectory => Path.Combine(InfraDirectory, "powertools-peer");

    /// <summary>The installer script every emulator fixture runs when something is missing.</summary>
    public static string InstallScript => Path.Combine(InfraDirectory, "install.sh");

    private static string FindRoot()
    {
        // Tests run from bin/<config>/<tfm>; a benchmark may run from anywhere inside the repo.
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"Cannot find the repository root: no {SolutionFileName} above '{AppContext.BaseDirectory}' or '{Directory.GetCurrentDirectory()}'.");
    }
}
