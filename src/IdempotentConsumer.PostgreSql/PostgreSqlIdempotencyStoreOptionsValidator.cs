using IdempotentConsumer.Validation;
using Npgsql;

namespace IdempotentConsumer.PostgreSql;

/// <summary>
/// Checks <see cref="PostgreSqlIdempotencyStoreOptions"/>, reporting every error at once. Registered by
/// <c>AddPostgreSqlIdempotencyStore</c> and run at host start; the store runs the same checks when built by hand.
/// </summary>
public sealed class PostgreSqlIdempotencyStoreOptionsValidator : CollectingOptionsValidator<PostgreSqlIdempotencyStoreOptions>
{
    // PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes; a longer name would silently name another table.
    private const int MaxIdentifierBytes = 63;

    /// <inheritdoc />
    protected override void Check(PostgreSqlIdempotencyStoreOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (options.ConnectionString is { } connectionString)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                errors.Add($"{nameof(options.ConnectionString)} must not be blank (leave it null to use the NpgsqlDataSource from the container).");
            }
            else
            {
                try
                {
                    if (string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host))
                    {
                        errors.Add($"{nameof(options.ConnectionString)} names no Host.");
                    }
                }
                catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
                {
                    errors.Add($"{nameof(options.ConnectionString)} cannot be parsed: {exception.Message}");
                }
            }
        }

        CheckIdentifier(options.SchemaName, nameof(options.SchemaName), errors);
        CheckIdentifier(options.TableName, nameof(options.TableName), errors);
    }

    private static void CheckIdentifier(string? value, string name, ICollection<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{name} must not be empty.");
        }
        else if (value.Contains('"', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add($"{name} must not contain double quotes or NUL characters (was '{value}').");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(value) > MaxIdentifierBytes)
        {
            errors.Add($"{name} must be at most {MaxIdentifierBytes} bytes long: PostgreSQL would truncate it (was '{value}').");
        }
    }
}
