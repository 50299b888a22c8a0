using Npgsql;

namespace IdempotentConsumer.PostgreSql.Internal;

/// <summary>
/// Creates the table once per store, on first use. A failed attempt is not remembered, so the next operation tries
/// again (the database may have been down). Concurrent creators in other processes are harmless.
/// </summary>
internal sealed class PostgreSqlSchemaGate(NpgsqlDataSource dataSource, string createSchema, bool enabled)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ready = !enabled;

    public ValueTask EnsureAsync(CancellationToken cancellationToken) =>
        _ready ? ValueTask.CompletedTask : new ValueTask(CreateAsync(cancellationToken));

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            await using var command = dataSource.CreateCommand(createSchema);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateSchema or PostgresErrorCodes.DuplicateObject)
            {
                // Another process created it between our IF NOT EXISTS check and our CREATE (a catalog race): it exists.
            }

            _ready = true;
        }
        finally
        {
            _lock.Release();
        }
    }
}
