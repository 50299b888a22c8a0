using IdempotentConsumer.Sqlite;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>A database file in its own temporary folder, deleted (with its WAL and shared-memory files) on dispose.</summary>
internal sealed class TemporaryDatabase : IDisposable
{
    public TemporaryDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "ic-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, "idempotency.db");
    }

    public string Folder { get; }

    public string FilePath { get; }

    public string ConnectionString => $"Data Source={FilePath};Pooling=False";

    public SqliteIdempotencyStoreOptions Options(Action<SqliteIdempotencyStoreOptions>? configure = null)
    {
        var options = new SqliteIdempotencyStoreOptions { DataSource = FilePath };
        configure?.Invoke(options);
        return options;
    }

    public SqliteIdempotencyStore CreateStore(Action<SqliteIdempotencyStoreOptions>? configure = null) => new(Options(configure));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A contender process may still be closing the file; the OS temp cleaner takes what is left.
        }
    }
}
