using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>
/// One open connection with its commands kept prepared: Microsoft.Data.Sqlite keeps a command's compiled
/// statements until its text changes, so reusing the command skips SQL parsing on every call.
/// </summary>
internal sealed class PooledSqliteConnection : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public PooledSqliteConnection(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>True while an explicit transaction is open on the connection (SQLite's own view, not the driver's).</summary>
    public bool InTransaction => Connection.Handle is { } handle && raw.sqlite3_get_autocommit(handle) == 0;

    /// <summary>The cached command for <paramref name="sql"/>, with its parameters cleared for the caller to bind.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    // Closing a SQLite connection is purely local work, so disposal is synchronous all the way down.
    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
