using IdempotentConsumer.Sqlite.Internal;
using IdempotentConsumer.Validation;

namespace IdempotentConsumer.Sqlite;

/// <summary>
/// Checks <see cref="SqliteIdempotencyStoreOptions"/>, reporting every error at once. Registered by
/// <c>AddSqliteIdempotencyStore</c> and run at host start; the store runs the same checks when built by hand.
/// </summary>
public sealed class SqliteIdempotencyStoreOptionsValidator : CollectingOptionsValidator<SqliteIdempotencyStoreOptions>
{
    /// <inheritdoc />
    protected override void Check(SqliteIdempotencyStoreOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(options.ConnectionString) && string.IsNullOrWhiteSpace(options.DataSource))
        {
            errors.Add("The SQLite idempotency store needs a database: set DataSource (a file path) or ConnectionString.");
        }

        if (!ResolvedSqliteSettings.IsValidTableName(options.TableName))
        {
            // The name is spliced into SQL text (identifiers cannot be parameters), so only a safe alphabet passes.
            errors.Add($"Table name '{options.TableName}' is invalid: use letters, digits and underscores, not starting with a digit (at most 128 characters).");
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"BusyTimeout {options.BusyTimeout} must be between 0 and 10 minutes.");
        }

        if (options.MaxBusyRetries is < 0 or > 100)
        {
            errors.Add($"MaxBusyRetries {options.MaxBusyRetries} must be between 0 and 100.");
        }

        if (options.BusyRetryBaseDelay < TimeSpan.Zero || options.BusyRetryMaxDelay < options.BusyRetryBaseDelay)
        {
            errors.Add("Busy retry delays must be non-negative, with the maximum not below the base.");
        }

        if (options.MaxConnections is < 1 or > 64)
        {
            errors.Add($"MaxConnections {options.MaxConnections} must be between 1 and 64.");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            errors.Add($"Synchronous mode {options.Synchronous} is not supported.");
        }
    }
}
