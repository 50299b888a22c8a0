using IdempotentConsumer.Exceptions;
using Npgsql;

namespace IdempotentConsumer.PostgreSql.Internal;

/// <summary>Turns what Npgsql throws into the store contract's typed errors.</summary>
internal static class PostgreSqlErrors
{
    /// <summary>True for failures of PostgreSQL, the connection or the request. A cancellation the caller asked for is not one.</summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        NpgsqlException => true,
        TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// The typed error for a failed call. A missing table, schema or database, a refused login or a missing privilege
    /// is <see cref="IdempotencyConfigurationException"/> (retrying cannot fix it); a value past a PostgreSQL limit is
    /// <see cref="IdempotencyRecordTooLargeException"/>; everything else (connection, timeouts, server states) is
    /// <see cref="IdempotencyPersistenceException"/>.
    /// </summary>
    public static IdempotencyException Translate(Exception cause, string operation, string? key, string table)
    {
        var subject = key is null ? $"table {table}" : $"idempotency record '{key}' in {table}";
        if (cause is PostgresException postgres)
        {
            var detail = $"{postgres.SqlState}: {postgres.MessageText}";
            switch (postgres.SqlState)
            {
                case PostgresErrorCodes.ProgramLimitExceeded:
                case PostgresErrorCodes.StatementTooComplex:
                    return new IdempotencyRecordTooLargeException($"PostgreSQL refused to {operation} {subject}: the record exceeds a limit ({detail}).", postgres);
                case PostgresErrorCodes.UndefinedTable:
                case PostgresErrorCodes.UndefinedColumn:
                case PostgresErrorCodes.InvalidSchemaName:
                case PostgresErrorCodes.InvalidCatalogName:
                case PostgresErrorCodes.InsufficientPrivilege:
                case PostgresErrorCodes.InvalidPassword:
                case PostgresErrorCodes.InvalidAuthorizationSpecification:
                    return new IdempotencyConfigurationException(
                        $"PostgreSQL refused to {operation} {subject} ({detail}). Check the connection string, the role's privileges and that the table exists (PostgreSqlIdempotencyStoreOptions.CreateTableIfMissing creates it).",
                        postgres);
            }

            return new IdempotencyPersistenceException($"PostgreSQL failed to {operation} {subject} ({detail}).", postgres);
        }

        return new IdempotencyPersistenceException($"PostgreSQL failed to {operation} {subject}: {cause.GetType().Name}: {cause.Message}", cause);
    }
}
