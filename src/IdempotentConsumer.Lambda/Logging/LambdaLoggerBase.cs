using System.Diagnostics.CodeAnalysis;
using Amazon.Lambda.Core;

namespace IdempotentConsumer.Lambda.Logging;

/// <summary>
/// A base for <see cref="ILambdaLogger"/> implementations that implements the whole interface: the plain
/// <see cref="Log(string)"/>/<see cref="LogLine(string)"/>, every level-based overload and every
/// message-template overload.
/// </summary>
/// <remarks>
/// Amazon.Lambda.Core's default implementations of the overloads with arguments call themselves (upstream
/// issue #2032), so a logger that implements only <c>Log</c> and <c>LogLine</c> overflows the stack on
/// <c>LogInformation("order {0}", 42)</c>. Deriving from this class closes that hole: every overload ends in
/// <see cref="WriteEntry"/>. Message templates take positional (<c>{0}</c>) and named (<c>{OrderId}</c>)
/// placeholders, filled in order, formatted with the invariant culture.
/// </remarks>
[SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "The names are ILambdaLogger's.")]
public abstract class LambdaLoggerBase : ILambdaLogger
{
    /// <summary>Writes a message as it is.</summary>
    /// <param name="message">The message.</param>
    public abstract void Log(string message);

    /// <summary>Writes a message followed by a line terminator.</summary>
    /// <param name="message">The message.</param>
    public abstract void LogLine(string message);

    /// <summary>Writes a message at a level.</summary>
    /// <param name="level">The level's name (<c>Information</c>, <c>Warning</c>, …).</param>
    /// <param name="message">The message.</param>
    public void Log(string level, string message) => WriteEntry(level, message ?? string.Empty, null);

    /// <summary>Writes a message template filled with its arguments at a level.</summary>
    /// <param name="level">The level's name.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for the template's placeholders, in order.</param>
    public void Log(string level, string message, params object[] args) =>
        WriteEntry(level, LambdaMessageTemplate.Format(message, args), null);

    /// <summary>Writes a message template filled with its arguments, and an exception, at a level.</summary>
    /// <param name="level">The level's name.</param>
    /// <param name="exception">The exception; may be null.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for the template's placeholders, in order.</param>
    public void Log(string level, Exception exception, string message, params object[] args) =>
        WriteEntry(level, LambdaMessageTemplate.Format(message, args), exception);

    /// <summary>Writes a message at a level.</summary>
    /// <param name="level">The level.</param>
    /// <param name="message">The message.</param>
    public void Log(Amazon.Lambda.Core.LogLevel level, string message) => Log(level.ToString(), message);

    /// <summary>Writes a message template filled with its arguments at a level.</summary>
    /// <param name="level">The level.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for the template's placeholders, in order.</param>
    public void Log(Amazon.Lambda.Core.LogLevel level, string message, params object[] args) => Log(level.ToString(), message, args);

    /// <summary>Writes a message template filled with its arguments, and an exception, at a level.</summary>
    /// <param name="level">The level.</param>
    /// <param name="exception">The exception; may be null.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for the template's placeholders, in order.</param>
    public void Log(Amazon.Lambda.Core.LogLevel level, Exception exception, string message, params object[] args) =>
        Log(level.ToString(), exception, message, args);

    /// <summary>Writes a message at Trace level.</summary>
    /// <param name="message">The message.</param>
    public void LogTrace(string message) => Log(Amazon.Lambda.Core.LogLevel.Trace, message);

    /// <summary>Writes a message template at Trace level.</summary>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogTrace(string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Trace, message, args);

    /// <summary>Writes a message template and an exception at Trace level.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogTrace(Exception exception, string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Trace, exception, message, args);

    /// <summary>Writes a message at Debug level.</summary>
    /// <param name="message">The message.</param>
    public void LogDebug(string message) => Log(Amazon.Lambda.Core.LogLevel.Debug, message);

    /// <summary>Writes a message template at Debug level.</summary>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogDebug(string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Debug, message, args);

    /// <summary>Writes a message template and an exception at Debug level.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogDebug(Exception exception, string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Debug, exception, message, args);

    /// <summary>Writes a message at Information level.</summary>
    /// <param name="message">The message.</param>
    public void LogInformation(string message) => Log(Amazon.Lambda.Core.LogLevel.Information, message);

    /// <summary>Writes a message template at Information level.</summary>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogInformation(string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Information, message, args);

    /// <summary>Writes a message template and an exception at Information level.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogInformation(Exception exception, string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Information, exception, message, args);

    /// <summary>Writes a message at Warning level.</summary>
    /// <param name="message">The message.</param>
    public void LogWarning(string message) => Log(Amazon.Lambda.Core.LogLevel.Warning, message);

    /// <summary>Writes a message template at Warning level.</summary>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogWarning(string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Warning, message, args);

    /// <summary>Writes a message template and an exception at Warning level.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogWarning(Exception exception, string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Warning, exception, message, args);

    /// <summary>Writes a message at Error level.</summary>
    /// <param name="message">The message.</param>
    public void LogError(string message) => Log(Amazon.Lambda.Core.LogLevel.Error, message);

    /// <summary>Writes a message template at Error level.</summary>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogError(string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Error, message, args);

    /// <summary>Writes a message template and an exception at Error level.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogError(Exception exception, string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Error, exception, message, args);

    /// <summary>Writes a message at Critical level.</summary>
    /// <param name="message">The message.</param>
    public void LogCritical(string message) => Log(Amazon.Lambda.Core.LogLevel.Critical, message);

    /// <summary>Writes a message template at Critical level.</summary>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogCritical(string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Critical, message, args);

    /// <summary>Writes a message template and an exception at Critical level.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="message">The message template.</param>
    /// <param name="args">The values for its placeholders.</param>
    public void LogCritical(Exception exception, string message, params object[] args) => Log(Amazon.Lambda.Core.LogLevel.Critical, exception, message, args);

    /// <summary>
    /// Where every level-based overload ends. The default writes one line, <c>level: message</c>, and the
    /// exception's full text (type, message, stack trace, inner exceptions) on the lines after it.
    /// </summary>
    /// <param name="level">The level's name.</param>
    /// <param name="message">The message, its template already filled.</param>
    /// <param name="exception">The exception, if any.</param>
    protected virtual void WriteEntry(string level, string message, Exception? exception) =>
        LogLine(exception is null ? $"{level}: {message}" : $"{level}: {message}{Environment.NewLine}{exception}");
}
