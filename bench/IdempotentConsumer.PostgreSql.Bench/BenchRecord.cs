namespace IdempotentConsumer.PostgreSql.Bench;

/// <summary>The message, shaped like the DynamoDB and Redis benches': a message id (the key) and a JSON body.</summary>
internal sealed record BenchRecord(string MessageId, string Body);

/// <summary>The handler's result, stored in the record and replayed to duplicates.</summary>
internal sealed record BenchResult(string Processed, int Length);
