// A second OS process for the SQLite store's multi-process tests. It opens its own store on the given file,
// says "ready", waits for "go" on stdin (so every process starts racing at the same moment), then tries to
// begin every key with several concurrent attempts and prints one "won <key>" line per key it won.
// Usage: Contender <database-file> <key-count> <concurrency> <key-prefix>
using IdempotentConsumer.Sqlite;
using IdempotentConsumer.Stores;

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Contender <database-file> <key-count> <concurrency> <key-prefix>");
    return 2;
}

var databaseFile = args[0];
var keyCount = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var concurrency = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var prefix = args[3];

await using var store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions
{
    DataSource = databaseFile,

    // Several processes hammer one file on a small machine: allow long waits rather than fail the race.
    BusyTimeout = TimeSpan.FromSeconds(10),
    MaxBusyRetries = 10,
});
await store.EnsureSchemaAsync();

Console.WriteLine("ready");
if (Console.ReadLine() != "go")
{
    return 3;
}

var now = DateTimeOffset.UtcNow;
var won = new System.Collections.Concurrent.ConcurrentBag<string>();
var owner = $"{Environment.ProcessId}";
await Parallel.ForEachAsync(
    Enumerable.Range(0, keyCount).SelectMany(key => Enumerable.Range(0, concurrency).Select(attempt => (key, attempt))),
    new ParallelOptions { MaxDegreeOfParallelism = concurrency },
    async (item, cancellationToken) =>
    {
        var key = $"{prefix}#{item.key}";
        var request = new BeginRequest(key, $"{owner}-{item.attempt}-{Guid.NewGuid():N}", now, now.AddHours(1), now.AddMinutes(5), null);
        var result = await store.TryBeginAsync(request, cancellationToken);
        if (result.Acquired)
        {
            won.Add(key);
        }
    });

foreach (var key in won)
{
    Console.WriteLine($"won {key}");
}

Console.WriteLine("done");
return 0;
