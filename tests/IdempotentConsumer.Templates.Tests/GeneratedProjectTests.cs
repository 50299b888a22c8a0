using System.Xml.Linq;

namespace IdempotentConsumer.Templates.Tests;

/// <summary>
/// Instantiates each template from the installed pack, then builds and runs the generated project's own
/// tests against the packages built from this repository.
/// </summary>
[Collection(TemplatePackCollection.Name)]
public sealed class GeneratedProjectTests(TemplatePackFixture pack)
{
    private const string ProjectName = GeneratedVariants.ProjectName;
    private static readonly TimeSpan GeneratedTestTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Given_the_installed_pack_Then_both_templates_are_listed()
    {
        var listed = (await pack.NewAsync("list", "idempotent-sqs")).EnsureSuccess();

        Assert.Contains("idempotent-sqs-lambda", listed.Output, StringComparison.Ordinal);
        Assert.Contains("idempotent-sqs-worker", listed.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(GeneratedVariants.All), MemberType = typeof(GeneratedVariants))]
    public async Task Given_a_template_and_store_When_its_generated_tests_run_Then_they_all_pass(string template, string store)
    {
        // Generated and built once with every other combination (see GeneratedVariants); the tests run here.
        var (output, build) = await pack.Variants.BuiltAsync(template, store);
        var results = Path.Combine(output, "results");

        var run = await DotnetCli.RunAsync(
            output,
            GeneratedTestTimeout,
            "test", Path.Combine("test", ProjectName + ".Tests"),
            "--no-build", "-nologo", "--logger", "trx;LogFileName=generated.trx", "--results-directory", results);

        // When the shared build failed, its output says why this combination's tests could not run.
        var evidence = build.ExitCode == 0 ? run : run with { Output = $"{build.Command} exited with {build.ExitCode}:{Environment.NewLine}{build.Output}{Environment.NewLine}{run.Output}" };
        var (passed, failed, total) = ReadCounters(Path.Combine(results, "generated.trx"), evidence);
        Assert.True(run.ExitCode == 0 && failed == 0, $"The generated tests failed:{Environment.NewLine}{evidence.Output}");
        Assert.True(passed >= 3, $"Expected the generated test suite to run (passed {passed} of {total}):{Environment.NewLine}{evidence.Output}");
        Assert.Equal(total, passed);
    }

    [Theory]
    [InlineData("dynamodb", "IdempotentConsumer.DynamoDB", "AddDynamoDbIdempotencyStore")]
    [InlineData("sqlite", "IdempotentConsumer.Sqlite", "AddSqliteIdempotencyStore")]
    [InlineData("inmemory", null, "AddInMemoryIdempotencyStore")]
    [InlineData("redis", "IdempotentConsumer.Redis", "AddRedisIdempotencyStore")]
    [InlineData("postgres", "IdempotentConsumer.PostgreSql", "AddPostgreSqlIdempotencyStore")]
    public async Task Given_a_store_choice_Then_only_that_store_is_referenced_and_registered(string store, string? package, string registration)
    {
        foreach (var template in TemplatesOffering(store))
        {
            var output = await pack.Variants.OutputOfAsync(template, store);
            var references = PackageReferences(output);
            var services = await File.ReadAllTextAsync(Path.Combine(output, "src", ProjectName, "OrderShippingServices.cs"));

            var storePackages = references.Keys.Where(StorePackages.Contains).ToList();
            Assert.Equal(package is null ? [] : [package], storePackages);
            Assert.Contains(registration, services, StringComparison.Ordinal);
            foreach (var other in StoreRegistrations.Where(r => r != registration))
            {
                Assert.DoesNotContain(other, services, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("#if", services, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Given_default_parameters_Then_the_lambda_references_the_repository_version_and_the_official_lambda_packages()
    {
        var output = Path.Combine(pack.Work, "lambda-defaults");
        (await pack.NewAsync("idempotent-sqs-lambda", "-n", ProjectName, "-o", output)).EnsureSuccess();

        var references = PackageReferences(output);
        var project = XDocument.Load(Path.Combine(output, "src", ProjectName, ProjectName + ".csproj"));
        Assert.Equal(TemplatePackFixture.PackageVersion, project.Descendants("IdempotentConsumerVersion").Single().Value);
        Assert.Equal("$(IdempotentConsumerVersion)", references["IdempotentConsumer.Lambda"]);
        Assert.Contains("IdempotentConsumer.DynamoDB", references.Keys);
        Assert.Contains("Amazon.Lambda.Core", references.Keys);
        Assert.Contains("Amazon.Lambda.SQSEvents", references.Keys);
        Assert.Contains("LambdaSerializer", await File.ReadAllTextAsync(Path.Combine(output, "src", ProjectName, "Function.cs")), StringComparison.Ordinal);
        Assert.Contains(
            $"\"{ProjectName}::{ProjectName}.Function::HandleAsync\"",
            await File.ReadAllTextAsync(Path.Combine(output, "src", ProjectName, "aws-lambda-tools-defaults.json")),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_worker_template_Then_its_program_is_short_and_names_the_project()
    {
        var output = Path.Combine(pack.Work, "worker-defaults");
        (await pack.NewAsync("idempotent-sqs-worker", "-n", ProjectName, "-o", output, "--package-version", "9.9.9")).EnsureSuccess();

        var program = await File.ReadAllLinesAsync(Path.Combine(output, "src", ProjectName, "Program.cs"));
        Assert.True(program.Length < 25, $"Program.cs has {program.Length} lines");
        Assert.Contains(program, line => line.Contains($"using {ProjectName};", StringComparison.Ordinal));
        var project = XDocument.Load(Path.Combine(output, "src", ProjectName, ProjectName + ".csproj"));
        Assert.Equal("9.9.9", project.Descendants("IdempotentConsumerVersion").Single().Value);
    }

    private static readonly string[] StorePackages = ["IdempotentConsumer.DynamoDB", "IdempotentConsumer.Sqlite", "IdempotentConsumer.Redis", "IdempotentConsumer.PostgreSql"];

    private static readonly string[] StoreRegistrations =
        ["AddDynamoDbIdempotencyStore", "AddSqliteIdempotencyStore", "AddInMemoryIdempotencyStore", "AddRedisIdempotencyStore", "AddPostgreSqlIdempotencyStore"];

    /// <summary>The server stores are offered by the worker template only: a Lambda function keeps its records in DynamoDB.</summary>
    private static string[] TemplatesOffering(string store) =>
        store is "redis" or "postgres" ? ["idempotent-sqs-worker"] : ["idempotent-sqs-lambda", "idempotent-sqs-worker"];

    private static Dictionary<string, string> PackageReferences(string output) =>
        Directory.GetFiles(output, "*.csproj", SearchOption.AllDirectories)
            .SelectMany(file => XDocument.Load(file).Descendants("PackageReference"))
            .ToDictionary(reference => reference.Attribute("Include")!.Value, reference => reference.Attribute("Version")?.Value ?? string.Empty);

    private static (int Passed, int Failed, int Total) ReadCounters(string trx, DotnetCli.Result run)
    {
        Assert.True(File.Exists(trx), $"The generated tests wrote no results (exit code {run.ExitCode}):{Environment.NewLine}{run.Output}");
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var counters = XDocument.Load(trx).Descendants(ns + "Counters").Single();
        int Count(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        return (Count("passed"), Count("failed") + Count("error") + Count("timeout") + Count("aborted"), Count("total"));
    }
}
