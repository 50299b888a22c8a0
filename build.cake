// IdempotentConsumer build script (Cake 7, no add-ins: everything here runs offline).
using System.Text.RegularExpressions;
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var stormOrders = Argument("storm-orders", "10000");
var filter = Argument("filter", "");
// How many test projects run at once (1: one after another), and the projects started first (the longest, comma-separated).
var testLanes = Argument("test-lanes", 2);
var firstTests = Argument("first-tests", "IdempotentConsumer.Templates.Tests,IdempotentConsumer.Reliability.Tests");

var root = MakeAbsolute(Directory("."));
var artifacts = root.Combine("artifacts");
var testResults = artifacts.Combine("test-results");
var packages = artifacts.Combine("packages");
var solution = root.CombineWithFilePath("IdempotentConsumer.sln");

void Run(string tool, string arguments, DirectoryPath workingDirectory = null, IDictionary<string, string> environment = null)
{
    var settings = new ProcessSettings
    {
        Arguments = arguments,
        WorkingDirectory = workingDirectory ?? root,
        EnvironmentVariables = environment,
    };
    var exitCode = StartProcess(tool, settings);
    if (exitCode != 0)
    {
        throw new Exception($"'{tool} {arguments}' exited with {exitCode}.");
    }
}

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    Run("dotnet", $"clean \"{solution}\" -c {configuration} -v q");
});

Task("Emulators")
    .Description("Installs the pinned test servers (DynamoDB Local, dynalite, fauxqs) if missing.")
    .Does(() =>
{
    Run("bash", "tests/infra/install.sh");
});

Task("Build")
    .Does(() =>
{
    Run("dotnet", $"build \"{solution}\" -c {configuration} -v q -nologo");
});

Task("Test")
    .Description("Installs what the tests need, builds, runs every test project and prints 'N passed, N failed'.")
    .IsDependentOn("Emulators")
    .IsDependentOn("Build")
    .Does(() =>
{
    EnsureDirectoryExists(testResults);
    CleanDirectory(testResults);
    var projects = GetFiles("./tests/**/*.Tests.csproj").Concat(GetFiles("./examples/**/*.Tests.csproj")).OrderBy(p => p.FullPath).ToList();
    var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
    int RunTests(FilePath project)
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        var filterArgument = string.IsNullOrEmpty(filter) ? "" : $" --filter \"{filter}\"";
        // System.Diagnostics.Process, not Cake's IProcess: its timed WaitForExit kills the process.
        var startInfo = new System.Diagnostics.ProcessStartInfo(
            "dotnet",
            $"test \"{project.FullPath}\" -c {configuration} --no-build -nologo"
                + $" --logger \"trx;LogFileName={name}.trx\" --logger \"console;verbosity=minimal\""
                + $" --results-directory \"{testResults}\"{filterArgument}")
        {
            WorkingDirectory = root.FullPath,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(startInfo);
        process.WaitForExit();
        return process.ExitCode;
    }

    // Test projects run in parallel lanes, longest first: the two long poles (template builds, reliability storms)
    // overlap each other and the short projects fill in beside them. Every project uses its own emulators on free
    // loopback ports and private temporary folders, so no two projects share state.
    var firstNames = firstTests.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    var queue = new System.Collections.Concurrent.ConcurrentQueue<FilePath>(projects.OrderBy(p =>
    {
        var index = firstNames.IndexOf(p.GetFilenameWithoutExtension().ToString());
        return index < 0 ? int.MaxValue : index;
    }).ThenBy(p => p.FullPath));
    var lanes = Enumerable.Range(0, Math.Max(1, testLanes)).Select(_ => new System.Threading.Thread(() =>
    {
        while (queue.TryDequeue(out var project))
        {
            if (RunTests(project) != 0)
            {
                failures.Add(project.GetFilenameWithoutExtension().ToString());
            }
        }
    })).ToList();
    lanes.ForEach(lane => lane.Start());
    lanes.ForEach(lane => lane.Join());

    long passed = 0, failed = 0, skipped = 0;
    XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    foreach (var trx in GetFiles($"{testResults}/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants(ns + "Counters").First();
        long Count(string attribute) => long.Parse(counters.Attribute(attribute)?.Value ?? "0");
        passed += Count("passed");
        failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        // Skipped xUnit tests show up as total - executed; notExecuted stays 0 in the trx.
        skipped += Math.Max(Count("notExecuted"), Count("total") - Count("executed"));
    }

    // A project whose host crashed writes no trx: count it as a failure so it is never silent.
    var reported = GetFiles($"{testResults}/*.trx").Select(f => f.GetFilenameWithoutExtension().ToString()).ToHashSet();
    foreach (var name in failures.Where(n => !reported.Contains(n)))
    {
        failed++;
        Error($"{name}: the test host produced no results.");
    }

    var line = $"{passed} passed, {failed} failed" + (skipped > 0 ? $", {skipped} skipped" : "");
    System.IO.File.WriteAllText(testResults.CombineWithFilePath("summary.txt").FullPath, line + Environment.NewLine);
    // Plain text, never coloured: CI and anyone redirecting the output read this line.
    Console.WriteLine(line);
    if (failed > 0 || failures.Count > 0)
    {
        throw new Exception($"Tests failed in: {string.Join(", ", failures)}");
    }
});

Task("Pack")
    .Description("Packs the library packages into artifacts/packages.")
    .Does(() =>
{
    EnsureDirectoryExists(packages);
    // One pack of a solution listing every library: the shared core compiles once and the libraries build side by side.
    var libraries = GetFiles("./src/**/*.csproj").OrderBy(p => p.FullPath).ToList();
    var packSolution = artifacts.CombineWithFilePath("pack.slnx");
    System.IO.File.WriteAllText(
        packSolution.FullPath,
        new XElement("Solution", libraries.Select(p => new XElement("Project", new XAttribute("Path", p.FullPath)))).ToString());
    Run("dotnet", $"pack \"{packSolution}\" -c {configuration} -p:PackageOutputPath=\"{packages}/\" -nologo -v q");
});

Task("Bench")
    .Description("Runs the BenchmarkDotNet suite and the throughput harnesses; prints their figures.")
    .IsDependentOn("Emulators")
    .Does(() =>
{
    // The storm run has its own target (Storm); Bench is the speed figures only.
    foreach (var project in GetFiles("./bench/**/*.csproj").Where(p => !p.FullPath.Contains("IdempotentConsumer.Storm")))
    {
        Run("dotnet", $"run -c Release --project \"{project.FullPath}\"");
    }
});

Task("Demo")
    .Description("Runs the order-shipping demo on the embedded store and queue.")
    .Does(() =>
{
    Run("dotnet", "run -c Release --project examples/OrderShipping.Demo");
});

Task("Templates")
    .Description("Packs the libraries and the template pack into artifacts/packages and installs the templates (dotnet new idempotent-sqs-worker / idempotent-sqs-lambda); generated projects find the packages there.")
    .IsDependentOn("Pack")
    .Does(() =>
{
    // The pack stamps this folder into the templates' nuget.config (see templates/IdempotentConsumer.Templates.csproj).
    Run("dotnet", $"pack templates/IdempotentConsumer.Templates.csproj -c {configuration} -o \"{packages}\" -nologo -v q");
    var version = XDocument.Load(root.CombineWithFilePath("Directory.Build.props").FullPath).Descendants("Version").First().Value;
    Run("dotnet", $"new install \"{packages.CombineWithFilePath($"IdempotentConsumer.Templates.{version}.nupkg")}\" --force");
});

Task("Storm")
    .Description("The large duplicate-storm run (default 10 000 orders); prints its figures.")
    .IsDependentOn("Emulators")
    .Does(() =>
{
    Run("dotnet", $"run -c Release --project bench/IdempotentConsumer.Storm -- --orders {stormOrders}");
});

Task("AotE2E")
    .Description("Publishes the example Lambda with Native AOT and runs its Runtime API end-to-end tests against the native executable (minutes: not part of Test).")
    .IsDependentOn("Emulators")
    .IsDependentOn("Build")
    .Does(() =>
{
    var output = artifacts.Combine("aot/OrderShipping.Lambda");
    Run("dotnet", $"publish examples/OrderShipping.Lambda/OrderShipping.Lambda.csproj -c Release -r linux-x64 -p:LambdaNativeAot=true -o \"{output}\" -nologo");
    Run("dotnet", $"test examples/OrderShipping.Lambda.Tests/OrderShipping.Lambda.Tests.csproj -c {configuration} --no-build -nologo --filter \"FullyQualifiedName~RuntimeApiEndToEndTests\"",
        environment: new Dictionary<string, string> { ["ORDERSHIPPING_LAMBDA_EXECUTABLE"] = output.CombineWithFilePath("OrderShipping.Lambda").FullPath });
});

Task("ColdStart")
    .Description("Measures the example Lambda's cold start, JIT against Native AOT, best of 5 (bench/IdempotentConsumer.Lambda.ColdStart).")
    .IsDependentOn("AotE2E")
    .Does(() =>
{
    var jit = root.CombineWithFilePath($"examples/OrderShipping.Lambda/bin/{configuration}/net10.0/OrderShipping.Lambda.dll");
    var aot = artifacts.CombineWithFilePath("aot/OrderShipping.Lambda/OrderShipping.Lambda");
    Run("dotnet", $"run -c Release --project bench/IdempotentConsumer.Lambda.ColdStart -- --jit \"{jit}\" --aot \"{aot}\" --runs 5");
});

RunTarget(target);
