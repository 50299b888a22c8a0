using Amazon.Lambda.Core;

namespace IdempotentConsumer.Lambda.LocalRunner;

/// <summary>An <see cref="ILambdaLogger"/> writing to a <see cref="TextWriter"/> (standard output by default), thread-safely.</summary>
public sealed class TextWriterLambdaLogger : ILambdaLogger
{
    private readonly TextWriter _writer;
    private readonly Lock _gate = new();

    /// <summary>Creates a logger over a writer.</summary>
    public TextWriterLambdaLogger(TextWriter writer) => _writer = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <inheritdoc />
    public void Log(string message)
    {
        lock (_gate)
        {
            _writer.Write(message);
        }
    }

    /// <inheritdoc />
    public void LogLine(string message)
    {
        lock (_gate)
        {
            _writer.WriteLine(message);
        }
    }
}
