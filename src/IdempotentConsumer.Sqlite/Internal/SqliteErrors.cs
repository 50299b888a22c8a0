using IdempotentConsumer.Exceptions;
using Microsoft.Data.Sqlite;

namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>Classifies SQLite result codes.</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int TooBig = 18;

    /// <summary>True for SQLITE_BUSY and SQLITE_LOCKED (any extended code): another connection holds a lock, so trying again can succeed.</summary>
    public static bool IsBusy(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xFF) is Busy or Locked
        || (exception.SqliteExtendedErrorCode & 0xFF) is Busy or Locked;

    public static IdempotencyException Translate(Exception exception, string operation, string? key)
    {
        var subject = key is null ? "the idempotency table" : $"idempotency record '{key}'";
        if (exception is SqliteException sqlite)
        {
            if ((sqlite.SqliteErrorCode & 0xFF) == TooBig)
            {
                return new IdempotencyRecordTooLargeException($"SQLite refused to {operation} {subject}: the record exceeds its size limit.", sqlite);
            }

            return new IdempotencyPersistenceException(
                $"SQLite failed to {operation} {subject} (error {sqlite.SqliteErrorCode}/{sqlite.SqliteExtendedErrorCode}): {sqlite.Message}",
                sqlite);
        }

        return new IdempotencyPersistenceException($"SQLite failed to {operation} {subject}: {exception.Message}", exception);
    }
}
