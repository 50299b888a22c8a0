namespace IdempotentConsumer.TestInfrastructure.Lambda;

/// <summary>How to start a function as its own process: a native executable, or <c>dotnet</c> with the function's dll.</summary>
/// <param name="FileName">The executable.</param>
/// <param name="Arguments">Its arguments.</param>
public sealed record LambdaFunctionLaunch(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Environment variables on top of the Lambda ones (configuration, emulator endpoints, credentials).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The memory size reported in <c>AWS_LAMBDA_FUNCTION_MEMORY_SIZE</c>. Default: 512.</summary>
    public int MemorySizeMb { get; init; } = 512;

    /// <summary>A framework-dependent function: <c>dotnet path/to/Function.dll</c>.</summary>
    public static LambdaFunctionLaunch ForDll(string dllPath) => new("dotnet", [dllPath]);

    /// <summary>A self-contained or native (AOT) executable, such as a <c>bootstrap</c>.</summary>
    public static LambdaFunctionLaunch ForExecutable(string path) => new(path, []);
}
