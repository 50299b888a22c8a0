using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Amazon.Lambda.Core;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Lambda.Logging;

/// <summary>
/// An <see cref="ILogger"/> that writes each entry as one JSON line through <see cref="ILambdaContext.Logger"/>,
/// with the entry's structured fields as properties, so CloudWatch Logs Insights can query them
/// (<c>filter reason = "InProgressElsewhere"</c>). Used when no <see cref="ILoggerFactory"/> is configured.
/// </summary>
internal sealed class LambdaContextLogger : ILogger
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ILambdaLogger _lambdaLogger;
    private readonly string _category;
    private readonly Microsoft.Extensions.Logging.LogLevel _minimumLevel;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a logger over a Lambda logger.</summary>
    /// <param name="lambdaLogger">The invocation's logger.</param>
    /// <param name="category">The category written with each entry.</param>
    /// <param name="minimumLevel">Entries below this level are dropped. Default: Information.</param>
    /// <param name="timeProvider">The clock for timestamps.</param>
    public LambdaContextLogger(ILambdaLogger lambdaLogger, string category, Microsoft.Extensions.Logging.LogLevel minimumLevel = Microsoft.Extensions.Logging.LogLevel.Information, TimeProvider? timeProvider = null)
    {
        _lambdaLogger = lambdaLogger ?? throw new ArgumentNullException(nameof(lambdaLogger));
        _category = category ?? throw new ArgumentNullException(nameof(category));
        _minimumLevel = minimumLevel;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) =>
        logLevel != Microsoft.Extensions.Logging.LogLevel.None && logLevel >= _minimumLevel;

    /// <inheritdoc />
    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", _timeProvider.GetUtcNow());
            writer.WriteString("level", logLevel.ToString());
            writer.WriteString("category", _category);
            if (eventId.Id != 0)
            {
                writer.WriteNumber("eventId", eventId.Id);
            }

            writer.WriteString("message", formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> fields)
            {
                foreach (var (name, value) in fields)
                {
                    if (name == "{OriginalFormat}")
                    {
                        continue;
                    }

                    WriteField(writer, ToCamelCase(name), value);
                }
            }

            if (exception is not null)
            {
                writer.WriteString("errorType", exception.GetType().FullName);
                writer.WriteString("errorMessage", exception.Message);
                // The whole text: type, message, stack trace and every inner exception with its own trace.
                writer.WriteString("stackTrace", exception.ToString());
            }

            writer.WriteEndObject();
        }

        _lambdaLogger.LogLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteField(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(name);
                break;
            case string s:
                writer.WriteString(name, s);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case int i:
                writer.WriteNumber(name, i);
                break;
            case long l:
                writer.WriteNumber(name, l);
                break;
            case double d:
                writer.WriteNumber(name, d);
                break;
            default:
                writer.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string ToCamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : string.Concat(char.ToLowerInvariant(name[0]).ToString(), name.AsSpan(1));
}
