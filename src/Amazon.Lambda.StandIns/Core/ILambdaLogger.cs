namespace Amazon.Lambda.Core;

/// <summary>Writes to the function's CloudWatch log stream (stand-in for the official interface).</summary>
/// <remarks>
/// Only <see cref="Log(string)"/> and <see cref="LogLine(string)"/> must be implemented; the level-aware
/// members have default implementations, as in the official package on .NET 6 and later.
/// </remarks>
public interface ILambdaLogger
{
    /// <summary>Writes a message.</summary>
    void Log(string message);

    /// <summary>Writes a message followed by a line terminator.</summary>
    void LogLine(string message);

    /// <summary>Writes a message at a level given by name (e.g. <c>"Warning"</c>).</summary>
    void Log(string level, string message) => LogLine(message);

    /// <summary>Writes a message at a level.</summary>
    void Log(LogLevel level, string message) => Log(level.ToString(), message);

    /// <summary>Writes a trace message.</summary>
    void LogTrace(string message) => Log(LogLevel.Trace, message);

    /// <summary>Writes a debug message.</summary>
    void LogDebug(string message) => Log(LogLevel.Debug, message);

    /// <summary>Writes an information message.</summary>
    void LogInformation(string message) => Log(LogLevel.Information, message);

    /// <summary>Writes a warning message.</summary>
    void LogWarning(string message) => Log(LogLevel.Warning, message);

    /// <summary>Writes an error message.</summary>
    void LogError(string message) => Log(LogLevel.Error, message);

    /// <summary>Writes a critical message.</summary>
    void LogCritical(string message) => Log(LogLevel.Critical, message);
}
