using Amazon.Lambda.Core;

namespace IdempotentConsumer.Lambda.Tests.Logging;

/// <summary>
/// Every member of <see cref="ILambdaLogger"/>, called through the interface (the way handler code calls
/// <c>context.Logger</c>), each with the text its output must contain.
/// </summary>
public static class LambdaLoggerOverloads
{
    public static readonly InvalidOperationException Failure = new("carrier down");

    public static IReadOnlyList<(string Name, Action<ILambdaLogger> Call, string[] Expected)> All { get; } =
    [
        ("Log(message)", l => l.Log("plain text"), ["plain text"]),
        ("LogLine(message)", l => l.LogLine("a line"), ["a line"]),
        ("Log(string level, message)", l => l.Log("Warning", "order o-1"), ["Warning", "order o-1"]),
        ("Log(string level, message, args)", l => l.Log("Warning", "order {0} x{1}", "o-1", 2), ["Warning", "order o-1 x2"]),
        ("Log(string level, exception, message, args)", l => l.Log("Error", Failure, "order {OrderId}", "o-1"), ["Error", "order o-1", "carrier down"]),
        ("Log(LogLevel, message)", l => l.Log(LogLevel.Warning, "order o-1"), ["Warning", "order o-1"]),
        ("Log(LogLevel, message, args)", l => l.Log(LogLevel.Warning, "order {0}", 42), ["Warning", "order 42"]),
        ("Log(LogLevel, exception, message, args)", l => l.Log(LogLevel.Error, Failure, "order {0}", 42), ["Error", "order 42", "carrier down"]),
        ("LogTrace(message)", l => l.LogTrace("t"), ["Trace", "t"]),
        ("LogTrace(message, args)", l => l.LogTrace("order {0}", 42), ["Trace", "order 42"]),
        ("LogTrace(exception, message, args)", l => l.LogTrace(Failure, "order {0}", 42), ["Trace", "order 42", "carrier down"]),
        ("LogDebug(message)", l => l.LogDebug("d"), ["Debug", "d"]),
        ("LogDebug(message, args)", l => l.LogDebug("order {0}", 42), ["Debug", "order 42"]),
        ("LogDebug(exception, message, args)", l => l.LogDebug(Failure, "order {0}", 42), ["Debug", "order 42", "carrier down"]),
        ("LogInformation(message)", l => l.LogInformation("i"), ["Information", "i"]),
        ("LogInformation(message, args)", l => l.LogInformation("order {0}", 42), ["Information", "order 42"]),
        ("LogInformation(exception, message, args)", l => l.LogInformation(Failure, "order {0}", 42), ["Information", "order 42", "carrier down"]),
        ("LogWarning(message)", l => l.LogWarning("w"), ["Warning", "w"]),
        ("LogWarning(message, args)", l => l.LogWarning("order {0}", 42), ["Warning", "order 42"]),
        ("LogWarning(exception, message, args)", l => l.LogWarning(Failure, "order {0}", 42), ["Warning", "order 42", "carrier down"]),
        ("LogError(message)", l => l.LogError("e"), ["Error", "e"]),
        ("LogError(message, args)", l => l.LogError("order {0}", 42), ["Error", "order 42"]),
        ("LogError(exception, message, args)", l => l.LogError(Failure, "order {0}", 42), ["Error", "order 42", "carrier down"]),
        ("LogCritical(message)", l => l.LogCritical("c"), ["Critical", "c"]),
        ("LogCritical(message, args)", l => l.LogCritical("order {0}", 42), ["Critical", "order 42"]),
        ("LogCritical(exception, message, args)", l => l.LogCritical(Failure, "order {0}", 42), ["Critical", "order 42", "carrier down"]),
    ];

    /// <summary>The number of members <see cref="ILambdaLogger"/> declares: <see cref="All"/> must cover them all.</summary>
    public static int InterfaceMemberCount => typeof(ILambdaLogger).GetMethods().Length;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var overload in All)
        {
            data.Add(overload.Name);
        }

        return data;
    }

    public static (string Name, Action<ILambdaLogger> Call, string[] Expected) Named(string name) => All.Single(o => o.Name == name);
}
