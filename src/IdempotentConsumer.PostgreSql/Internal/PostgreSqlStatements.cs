namespace IdempotentConsumer.PostgreSql.Internal;

/// <summary>
/// The SQL of every operation, for one table. Times are integers: expiration in epoch seconds, the lease in epoch ms,
/// both always from the caller's clock (never <c>now()</c> of the server). Parameters are positional.
/// </summary>
internal sealed class PostgreSqlStatements
{
    /// <summary>The stored text of <see cref="Records.IdempotencyRecordStatus.InProgress"/> (Powertools' spelling).</summary>
    public const string InProgress = Relational.RelationalRecordReader.InProgress;

    /// <summary>The stored text of <see cref="Records.IdempotencyRecordStatus.Completed"/>.</summary>
    public const string Completed = Relational.RelationalRecordReader.Completed;

    private const string Columns = "\"key\", status, expiration, in_progress_expiration, validation, data, owner, response_not_stored";

    public PostgreSqlStatements(string schemaName, string tableName)
    {
        var schema = Quote(schemaName);
        var table = $"{schema}.{Quote(tableName)}";
        QualifiedTableName = table;

        // The C collation makes key equality and the primary-key order plain byte comparisons, whatever the database's locale.
        var createTable =
            $"""
            CREATE TABLE IF NOT EXISTS {table} (
                "key" text COLLATE "C" NOT NULL PRIMARY KEY,
                status text NOT NULL,
                expiration bigint NOT NULL,
                in_progress_expiration bigint NULL,
                validation text NULL,
                data text NULL,
                owner text NULL,
                response_not_stored boolean NOT NULL DEFAULT false
            );
            CREATE INDEX IF NOT EXISTS {Quote(tableName + "_expiration")} ON {table} (expiration);
            """;
        CreateSchema = string.Equals(schemaName, PostgreSqlIdempotencyStoreOptions.DefaultSchemaName, StringComparison.Ordinal)
            ? createTable
            : $"CREATE SCHEMA IF NOT EXISTS {schema};\n{createTable}";

        // One statement decides and writes: insert, or take over a row that is expired or whose lease lapsed. The WHERE
        // of the upsert is the whole ownership rule (it mirrors IdempotencyRecord.IsExpired/IsLeaseExpired). When the
        // WHERE fails, PostgreSQL still locks the row until the end of the (implicit) transaction, so the read batched
        // after it sees exactly the record that blocked the write.
        // $1 key, $2 expiration (s), $3 lease end (ms), $4 validation, $5 owner, $6 now (s), $7 now (ms).
        TryBegin =
            $"""
            INSERT INTO {table} AS r ({Columns})
            VALUES ($1, '{InProgress}', $2, $3, $4, NULL, $5, false)
            ON CONFLICT ("key") DO UPDATE SET
                status = excluded.status,
                expiration = excluded.expiration,
                in_progress_expiration = excluded.in_progress_expiration,
                validation = excluded.validation,
                data = NULL,
                owner = excluded.owner,
                response_not_stored = false
            WHERE r.expiration <= $6
               OR (r.status = '{InProgress}' AND r.in_progress_expiration IS NOT NULL AND r.in_progress_expiration <= $7)
            RETURNING 1
            """;

        // $1 key.
        SelectOne = $"SELECT {Columns} FROM {table} WHERE \"key\" = $1";

        // $1 keys (text[]).
        SelectMany = $"SELECT {Columns} FROM {table} WHERE \"key\" = ANY($1)";

        // $1 key, $2 owner, $3 expiration (s), $4 data, $5 response not stored, $6 validation.
        Complete =
            $"""
            UPDATE {table}
            SET status = '{Completed}', expiration = $3, in_progress_expiration = NULL,
                data = $4, response_not_stored = $5, validation = COALESCE($6, validation)
            WHERE "key" = $1 AND owner = $2
            """;

        // The transactional inbox's completion, inside the handler's transaction: only the in-progress record this
        // attempt owns. The expiry stays the one written at begin (never before the lease); the executor's own
        // completion after the commit moves it and stores the response. Until then a stored-response consumer
        // answers duplicates without one (the flag), never with a wrong one.
        // $1 key, $2 owner, $3 response not stored.
        CompleteInTransaction =
            $"""
            UPDATE {table}
            SET status = '{Completed}', in_progress_expiration = NULL, data = NULL, response_not_stored = $3
            WHERE "key" = $1 AND owner = $2 AND status = '{InProgress}'
            """;

        // Only an in-progress record: a release after an ambiguous inbox commit must never undo a completion that landed.
        // $1 key, $2 owner.
        Release = $"DELETE FROM {table} WHERE \"key\" = $1 AND owner = $2 AND status = '{InProgress}'";

        // The expiry only ever moves forward here, and never stays before the new lease end.
        // $1 key, $2 owner, $3 lease end (ms), $4 expiration (s).
        ExtendLease =
            $"""
            UPDATE {table} SET in_progress_expiration = $3, expiration = GREATEST(expiration, $4)
            WHERE "key" = $1 AND owner = $2 AND status = '{InProgress}'
            """;

        // Extensions keep a live record's expiry past its lease; the lease test guards rows written otherwise.
        // $1 now (s), $2 now (ms).
        PurgeExpired =
            $"""
            DELETE FROM {table}
            WHERE expiration <= $1
              AND NOT (status = '{InProgress}' AND in_progress_expiration IS NOT NULL AND in_progress_expiration > $2)
            """;
    }

    /// <summary>The quoted, schema-qualified table name.</summary>
    public string QualifiedTableName { get; }

    public string CreateSchema { get; }

    public string TryBegin { get; }

    public string SelectOne { get; }

    public string SelectMany { get; }

    public string Complete { get; }

    public string CompleteInTransaction { get; }

    public string Release { get; }

    public string ExtendLease { get; }

    public string PurgeExpired { get; }

    // The validator refuses double quotes, so quoting is enough to make any name a single identifier.
    private static string Quote(string identifier) => $"\"{identifier}\"";
}
