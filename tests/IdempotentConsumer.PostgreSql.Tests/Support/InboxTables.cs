using IdempotentConsumer.PostgreSql.Inbox;
using Npgsql;

namespace IdempotentConsumer.PostgreSql.Tests.Support;

/// <summary>A business table of shipments (deliberately without a unique key, so a duplicate shows as a second row) and a records table of its own.</summary>
internal sealed class InboxTables
{
    private InboxTables(NpgsqlDataSource dataSource, string shipments, PostgreSqlIdempotencyStore store)
    {
        DataSource = dataSource;
        Shipments = shipments;
        Store = store;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The quoted shipments table.</summary>
    public string Shipments { get; }

    public PostgreSqlIdempotencyStore Store { get; }

    public static async Task<InboxTables> CreateAsync(string connectionString)
    {
        var dataSource = PostgreSqlDataSources.For(connectionString);
        var shipments = $"\"{PostgreSqlDataSources.NewTableName("shipments")}\"";
        await PostgreSqlDataSources.ExecuteAsync(dataSource, $"CREATE TABLE {shipments} (order_id text NOT NULL, quantity int NOT NULL, idempotency_key text NOT NULL)");
        var store = new PostgreSqlIdempotencyStore(dataSource, new PostgreSqlIdempotencyStoreOptions { TableName = PostgreSqlDataSources.NewTableName("inbox_records") });
        await store.EnsureSchemaAsync();
        return new InboxTables(dataSource, shipments, store);
    }

    /// <summary>Writes one shipment through the inbox's transaction.</summary>
    public async Task ShipAsync(PostgreSqlInboxContext inbox, ShipOrder order, CancellationToken cancellationToken)
    {
        await using var insert = inbox.CreateCommand($"INSERT INTO {Shipments} (order_id, quantity, idempotency_key) VALUES ($1, $2, $3)");
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = order.OrderId });
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = order.Quantity });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = inbox.IdempotencyKey ?? string.Empty });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Committed shipments of one order, seen from outside any inbox transaction.</summary>
    public Task<long> CountShipmentsAsync(string orderId) =>
        PostgreSqlDataSources.ScalarAsync(DataSource, $"SELECT count(*) FROM {Shipments} WHERE order_id = '{orderId.Replace("'", "''", StringComparison.Ordinal)}'");

    /// <summary>Committed shipments per order.</summary>
    public async Task<Dictionary<string, long>> ShipmentsPerOrderAsync()
    {
        var perOrder = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var select = DataSource.CreateCommand($"SELECT order_id, count(*) FROM {Shipments} GROUP BY order_id");
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            perOrder[reader.GetString(0)] = reader.GetInt64(1);
        }

        return perOrder;
    }
}
