namespace IdempotentConsumer.Bench.StoreBench;

/// <summary>The message, shaped like the DynamoDB bench's: a message id (the key) and a JSON body.</summary>
internal sealed record BenchRecord(string MessageId, string Body)
{
    /// <summary><paramref name="count"/> records with ids unique to <paramref name="run"/>.</summary>
    public static List<BenchRecord> Many(string run, int count) =>
        Enumerable.Range(0, count).Select(i => new BenchRecord($"{run}-{i}", $"{{\"orderId\":{i}}}")).ToList();
}

/// <summary>The handler's result, stored in the record and replayed to duplicates.</summary>
internal sealed record BenchResult(string Processed, int Length);
