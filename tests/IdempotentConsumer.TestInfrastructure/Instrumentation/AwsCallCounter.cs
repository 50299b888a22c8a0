using System.Collections.Concurrent;
using Amazon.Runtime;

namespace IdempotentConsumer.TestInfrastructure.Instrumentation;

/// <summary>
/// Counts the HTTP requests an AWS SDK client sends, per operation (read from the <c>X-Amz-Target</c>
/// header of JSON-protocol services: DynamoDB, SQS). SDK retries count as separate requests: a count
/// is a number of round trips. Thread-safe.
/// </summary>
public sealed class AwsCallCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly string _id = Guid.NewGuid().ToString("N");

    /// <summary>Requests sent for <paramref name="operation"/> (e.g. "PutItem") since the last reset.</summary>
    public int this[string operation] => _counts.TryGetValue(operation, out var count) ? count : 0;

    /// <summary>All requests since the last reset.</summary>
    public int Total => _counts.Values.Sum();

    /// <summary>A copy of the counts, by operation.</summary>
    public IReadOnlyDictionary<string, int> Snapshot() => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    /// <summary>Sets every count back to zero.</summary>
    public void Reset() => _counts.Clear();

    /// <summary>Makes clients built from <paramref name="config"/> report to this counter.</summary>
    public void Attach(ClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.HttpClientFactory = new CountingHttpClientFactory(this);
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Snapshot().Select(pair => $"{pair.Key}={pair.Value}"));

    internal string Id => _id;

    internal void Record(string operation) => _counts.AddOrUpdate(operation, 1, static (_, count) => count + 1);
}
