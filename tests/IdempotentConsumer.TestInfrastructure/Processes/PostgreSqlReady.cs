using Npgsql;

namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>A readiness check for PostgreSQL: a login and <c>SELECT 1</c> succeed (a server still starting refuses logins).</summary>
public static class PostgreSqlReady
{
    /// <summary>The connection string of the fixture's superuser on <paramref name="port"/> (trust authentication on loopback).</summary>
    public static string ConnectionString(int port, string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = PostgreSqlBinaries.ServiceUser,
            Database = database,
            Timeout = 5,
            MaxPoolSize = 100,
        }.ConnectionString;

    /// <summary>True when the server on 127.0.0.1:<paramref name="port"/> accepts a login and answers a query.</summary>
    public static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString(port)) { Pooling = false, Timeout = 2 };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is 1;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
        {
            return false;
        }
    }
}
