namespace IdempotentConsumer.PostgreSql;

/// <summary>
/// Where and how the PostgreSQL store keeps records. Bindable from configuration (section <see cref="SectionName"/>).
/// Each record is one row of <see cref="SchemaName"/>.<see cref="TableName"/>, keyed by the idempotency key.
/// </summary>
public sealed class PostgreSqlIdempotencyStoreOptions
{
    /// <summary>The configuration section bound by <c>AddPostgreSqlIdempotencyStore(configuration)</c>.</summary>
    public const string SectionName = "Idempotency:PostgreSql";

    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "idempotency_records";

    /// <summary>The default schema.</summary>
    public const string DefaultSchemaName = "public";

    /// <summary>
    /// An Npgsql connection string (<c>Host=...;Username=...;Password=...;Database=...</c>). When set, the store builds
    /// and owns its own data source (a connection pool), disposed with the store. Null (default): the store uses the
    /// <c>NpgsqlDataSource</c> it is given (by the constructor, or from the DI container).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The schema of the table. Created when missing (with <see cref="CreateTableIfMissing"/>) unless it is
    /// <c>public</c>. At most 63 characters, without double quotes. Default: <c>public</c>.
    /// </summary>
    public string SchemaName { get; set; } = DefaultSchemaName;

    /// <summary>The table holding the records. At most 63 characters, without double quotes. Default: <c>idempotency_records</c>.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// Creates the table (and its schema and expiry index) on first use when it does not exist. Turn it off when
    /// migrations own the schema and the application's role may not run DDL. Default: true.
    /// </summary>
    public bool CreateTableIfMissing { get; set; } = true;
}
