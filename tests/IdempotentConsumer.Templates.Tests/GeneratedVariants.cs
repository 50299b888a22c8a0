using System.Xml.Linq;

namespace IdempotentConsumer.Templates.Tests;

/// <summary>
/// Every template and store combination the tests cover, instantiated once from the installed pack and built
/// together: one restore and one parallel build of a solution listing all of them costs far less than a
/// restore and build per combination, and each test still runs its own combination's generated tests.
/// </summary>
public sealed class GeneratedVariants
{
    /// <summary>The project name every combination is generated with.</summary>
    public const string ProjectName = "Acme.OrderShipping";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(12);

    private static readonly (string Template, string Store)[] Combinations =
    [
        ("idempotent-sqs-lambda", "sqlite"),
        ("idempotent-sqs-lambda", "inmemory"),
        ("idempotent-sqs-lambda", "dynamodb"),
        ("idempotent-sqs-worker", "sqlite"),
        ("idempotent-sqs-worker", "inmemory"),
        ("idempotent-sqs-worker", "dynamodb"),
        ("idempotent-sqs-worker", "redis"),
        ("idempotent-sqs-worker", "postgres"),
    ];

    private readonly TemplatePackFixture _pack;
    private readonly Lazy<Task<IReadOnlyDictionary<(string Template, string Store), string>>> _generated;
    private readonly Lazy<Task<DotnetCli.Result>> _build;

    public GeneratedVariants(TemplatePackFixture pack)
    {
        _pack = pack;
        _generated = new(GenerateAllAsync);
        _build = new(BuildAllAsync);
    }

    /// <summary>The combinations as theory data: template, store.</summary>
    public static TheoryData<string, string> All
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (template, store) in Combinations)
            {
                data.Add(template, store);
            }

            return data;
        }
    }

    /// <summary>The folder the combination was generated into (generated once, with the repository's package version).</summary>
    public async Task<string> OutputOfAsync(string template, string store)
    {
        var outputs = await _generated.Value;
        return outputs.TryGetValue((template, store), out var output)
            ? output
            : throw new ArgumentException($"{template} with --store {store} is not one of the generated combinations.", nameof(store));
    }

    /// <summary>The combination's folder and the result of the one build of every combination.</summary>
    public async Task<(string Output, DotnetCli.Result Build)> BuiltAsync(string template, string store)
    {
        var output = await OutputOfAsync(template, store);
        return (output, await _build.Value);
    }

    private async Task<IReadOnlyDictionary<(string Template, string Store), string>> GenerateAllAsync()
    {
        var outputs = new Dictionary<(string Template, string Store), string>();
        foreach (var (template, store) in Combinations)
        {
            var output = Path.Combine(_pack.Work, $"{template}-{store}");
            (await _pack.NewAsync(template, "-n", ProjectName, "-o", output, "--store", store, "--package-version", TemplatePackFixture.PackageVersion)).EnsureSuccess();
            outputs[(template, store)] = output;
        }

        return outputs;
    }

    /// <summary>
    /// Builds every combination's projects in one <c>dotnet build</c>. The projects share one name, so each
    /// combination sits in its own solution folder. A failure is returned, not thrown: the tests of the
    /// combinations that did build still run, and a failing one reports this build's output.
    /// </summary>
    private async Task<DotnetCli.Result> BuildAllAsync()
    {
        var outputs = await _generated.Value;
        var solution = Path.Combine(_pack.Work, "variants.slnx");
        var folders = outputs.Select(pair => new XElement(
            "Folder",
            new XAttribute("Name", $"/{pair.Key.Template}-{pair.Key.Store}/"),
            new XElement("Project", new XAttribute("Path", Path.Combine(pair.Value, "src", ProjectName, ProjectName + ".csproj"))),
            new XElement("Project", new XAttribute("Path", Path.Combine(pair.Value, "test", ProjectName + ".Tests", ProjectName + ".Tests.csproj")))));
        await File.WriteAllTextAsync(solution, new XElement("Solution", folders).ToString());
        return await DotnetCli.RunAsync(_pack.Work, BuildTimeout, "build", solution, "-nologo");
    }
}
