using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Lambda;

namespace OrderShipping.Lambda.Tests.RuntimeApi;

/// <summary>
/// Which build of the function the end-to-end tests start: the Native AOT executable named by
/// <c>ORDERSHIPPING_LAMBDA_EXECUTABLE</c> (the AotE2E build target sets it), else the JIT build that the
/// solution build left in examples/OrderShipping.Lambda/bin/&lt;configuration&gt;/net10.0, run with <c>dotnet</c>.
/// </summary>
internal static class FunctionBuild
{
    public const string ExecutableVariable = "ORDERSHIPPING_LAMBDA_EXECUTABLE";

    public static LambdaFunctionLaunch Launch()
    {
        var native = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrEmpty(native))
        {
            return File.Exists(native)
                ? LambdaFunctionLaunch.ForExecutable(native)
                : throw new FileNotFoundException($"{ExecutableVariable} names a file that does not exist.", native);
        }

        // Tests run from bin/<configuration>/<tfm>/: the function was built with the same configuration.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent?.Name ?? "Debug";
        var dll = Path.Combine(RepoPaths.RepoRoot, "examples", "OrderShipping.Lambda", "bin", configuration, framework, "OrderShipping.Lambda.dll");
        return File.Exists(dll)
            ? LambdaFunctionLaunch.ForDll(dll)
            : throw new FileNotFoundException("Build the solution (or examples/OrderShipping.Lambda) first: the function runs from its own output.", dll);
    }
}
