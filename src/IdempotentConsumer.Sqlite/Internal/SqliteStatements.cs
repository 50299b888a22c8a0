namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>The SQL of every operation, for one table. Times are integers: expiration in epoch seconds, the lease in epoch ms.</summary>
internal sealed class SqliteStatements
{
    /// <summary>The stored text of <see cref="Records.IdempotencyRecordStatus.InProgress"/> (Powertools' spelling).</summary>
    public const string InProgress = Relational.RelationalRecordReader.InProgress;

    /// <summary>The stored text of <see cref="Records.IdempotencyRecordStatus.Completed"/>.</summary>
    public const string Completed = Relational.RelationalRecordReader.Completed;

    private const string Columns = "\"key\", status, expiration, in_progress_expiration, validation, data, owner, response_not_stored";

    public SqliteStatements(string tableName)
    {
        var table = $"\"{tableName}\"";
        CreateSchema =
            $"""
            CREATE TABLE IF NOT EXISTS {table} (
                "key" TEXT NOT NULL PRIMARY KEY,
                status TEXT NOT NULL,
                expiration INTEGER NOT NULL,
                in_progress_expiration INTEGER NULL,
                validation TEXT NULL,
                data TEXT NULL,
                owner TEXT NULL,
                response_not_stored INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS "{tableName}_expiration" ON {table} (expiration);
            """;

        // One statement decides and writes: insert, or take over a row that is expired or whose lease lapsed.
        // The WHERE of the upsert is the whole ownership rule; it mirrors IdempotencyRecord.IsExpired/IsLeaseExpired.
        TryBegin =
            $"""
            INSERT INTO {table} ({Columns})
            VALUES (@key, '{InProgress}', @expiration, @lease, @validation, NULL, @owner, 0)
            ON CONFLICT ("key") DO UPDATE SET
                status = excluded.status,
                expiration = excluded.expiration,
                in_progress_expiration = excluded.in_progress_expiration,
                validation = excluded.validation,
                data = NULL,
                owner = excluded.owner,
                response_not_stored = 0
            WHERE {table}.expiration <= @nowSeconds
               OR ({table}.status = '{InProgress}'
                   AND {table}.in_progress_expiration IS NOT NULL
                   AND {table}.in_progress_expiration <= @nowMs);
            """;

        SelectOne = $"SELECT {Columns} FROM {table} WHERE \"key\" = @key;";

        // One parameter carries the whole key list as a JSON array, so a batch of any size is one statement.
        SelectMany = $"SELECT {Columns} FROM {table} WHERE \"key\" IN (SELECT value FROM json_each(@keys));";

        Complete =
            $"""
            UPDATE {table}
            SET status = '{Completed}', expiration = @expiration, in_progress_expiration = NULL,
                data = @data, validation = COALESCE(@validation, validation), response_not_stored = @notStored
            WHERE "key" = @key AND owner = @owner;
            """;

        Release = $"DELETE FROM {table} WHERE \"key\" = @key AND owner = @owner;";

        // The expiry only ever moves forward here, and never stays before the new lease end.
        ExtendLease =
            $"""
            UPDATE {table} SET in_progress_expiration = @lease, expiration = MAX(expiration, @expiration)
            WHERE "key" = @key AND owner = @owner AND status = '{InProgress}';
            """;

        // Extensions keep a live record's expiry past its lease; the lease test guards rows written otherwise.
        PurgeExpired =
            $"""
            DELETE FROM {table}
            WHERE expiration <= @nowSeconds
              AND NOT (status = '{InProgress}' AND in_progress_expiration IS NOT NULL AND in_progress_expiration > @nowMs);
            """;

        // Operator listing (IIdempotencyStoreAdmin); @filter picks one of the IdempotencyRecordFilter predicates.
        List =
            $"""
            SELECT {Columns} FROM {table}
            WHERE (@filter = 0)
               OR (@filter = 1 AND status = '{InProgress}' AND expiration > @nowSeconds)
               OR (@filter = 2 AND status = '{InProgress}' AND in_progress_expiration IS NOT NULL AND in_progress_expiration <= @nowMs)
               OR (@filter = 3 AND expiration <= @nowSeconds)
            ORDER BY "key" LIMIT @limit;
            """;

        Delete = $"DELETE FROM {table} WHERE \"key\" = @key;";

        // Files created before the column existed get it on first use (with its default, so old rows read as stored).
        HasResponseNotStoredColumn = $"SELECT COUNT(*) FROM pragma_table_info('{tableName.Replace("'", "''", StringComparison.Ordinal)}') WHERE name = 'response_not_stored';";
        AddResponseNotStoredColumn = $"ALTER TABLE {table} ADD COLUMN response_not_stored INTEGER NOT NULL DEFAULT 0;";
    }

    public string CreateSchema { get; }

    public string TryBegin { get; }

    public string SelectOne { get; }

    public string SelectMany { get; }

    public string Complete { get; }

    public string Release { get; }

    public string ExtendLease { get; }

    public string PurgeExpired { get; }

    public string List { get; }

    public string Delete { get; }

    public string HasResponseNotStoredColumn { get; }

    public string AddResponseNotStoredColumn { get; }
}
