using IdempotentConsumer.Sqlite;

namespace IdempotentConsumer.Tool.Tests;

/// <summary>A SQLite file in its own temporary folder with the store's table, deleted on dispose.</summary>
internal sealed class TemporaryDatabase : IDisposable
{
    public TemporaryDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "ic-tool-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, "idempotency.db");
        Store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { DataSource = FilePath });
    }

    public string Folder { get; }

    public string FilePath { get; }

    public SqliteIdempotencyStore Store { get; }

    /// <summary>The tool's store options for this file.</summary>
    public string[] StoreArguments => ["--store", "sqlite", "--database", FilePath];

    public void Dispose()
    {
        Store.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner takes what is left.
        }
    }
}
