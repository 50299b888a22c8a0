using System.Text;

namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>The last lines a child process printed, kept for failure messages. Thread-safe.</summary>
public sealed class OutputBuffer
{
    private readonly Queue<string> _lines = new();
    private readonly int _maxLines;
    private int _dropped;

    /// <summary>Keeps at most <paramref name="maxLines"/> lines; older ones are counted, not kept.</summary>
    public OutputBuffer(int maxLines) => _maxLines = maxLines;

    /// <summary>Appends one line from <paramref name="stream"/> (null marks the end of a stream and is ignored).</summary>
    public void Add(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue($"[{stream}] {line}");
            if (_lines.Count > _maxLines)
            {
                _lines.Dequeue();
                _dropped++;
            }
        }
    }

    /// <summary>True when any kept line contains <paramref name="text"/>.</summary>
    public bool Contains(string text)
    {
        lock (_lines)
        {
            return _lines.Any(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        lock (_lines)
        {
            if (_lines.Count == 0)
            {
                return "(the process printed nothing)";
            }

            var text = new StringBuilder();
            if (_dropped > 0)
            {
                text.AppendLine($"({_dropped} earlier lines not kept)");
            }

            foreach (var line in _lines)
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }
}
