using System.Collections.Concurrent;
using Npgsql;

namespace IdempotentConsumer.PostgreSql.Tests.Support;

/// <summary>One data source (connection pool) per server for the whole run, as an application shares one.</summary>
internal static class PostgreSqlDataSources
{
    private static readonly ConcurrentDictionary<string, NpgsqlDataSource> Shared = new(StringComparer.Ordinal);

    public static NpgsqlDataSource For(string connectionString) => Shared.GetOrAdd(connectionString, NpgsqlDataSource.Create);

    /// <summary>A fresh table name, so a test sees only its own rows.</summary>
    public static string NewTableName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
