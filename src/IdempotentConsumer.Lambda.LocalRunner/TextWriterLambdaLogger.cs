using Amazon.Lambda.Core;
using IdempotentConsumer.Lambda.Logging;

namespace IdempotentConsumer.Lambda.LocalRunner;

/// <summary>
/// An <see cref="ILambdaLogger"/> writing to a <see cref="TextWriter"/> (standard output by default), thread-safely.
/// Every overload of the interface is implemented (see <see cref="LambdaLoggerBase"/>).
/// </summary>
public sealed class TextWriterLambdaLogger : LambdaLoggerBase
{
    private readonly TextWriter _writer;
    private readonly Lock _gate = new();

    /// <summary>Creates a logger over a writer.</summary>
    public TextWriterLambdaLogger(TextWriter writer) => _writer = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <inheritdoc />
    public override void Log(string message)
    {
        lock (_gate)
        {
            _writer.Write(message);
        }
    }

    /// <inheritdoc />
    public override void LogLine(string message)
    {
        lock (_gate)
        {
            _writer.WriteLine(message);
        }
    }
}
