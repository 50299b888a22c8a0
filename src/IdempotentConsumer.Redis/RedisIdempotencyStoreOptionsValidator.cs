using IdempotentConsumer.Validation;
using StackExchange.Redis;

namespace IdempotentConsumer.Redis;

/// <summary>
/// Checks <see cref="RedisIdempotencyStoreOptions"/>, reporting every error at once. Registered by
/// <c>AddRedisIdempotencyStore</c> and run at host start; the store runs the same checks when built by hand.
/// </summary>
public sealed class RedisIdempotencyStoreOptionsValidator : CollectingOptionsValidator<RedisIdempotencyStoreOptions>
{
    private static readonly TimeSpan MaxExpiryMargin = TimeSpan.FromHours(1);

    /// <inheritdoc />
    protected override void Check(RedisIdempotencyStoreOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (options.ConnectionString is { } connectionString)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                errors.Add($"{nameof(options.ConnectionString)} must not be blank (leave it null to use the IConnectionMultiplexer from the container).");
            }
            else
            {
                try
                {
                    if (ConfigurationOptions.Parse(connectionString).EndPoints.Count == 0)
                    {
                        errors.Add($"{nameof(options.ConnectionString)} names no endpoint (expected host:port).");
                    }
                }
                catch (ArgumentException exception)
                {
                    errors.Add($"{nameof(options.ConnectionString)} cannot be parsed: {exception.Message}");
                }
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix))
        {
            errors.Add($"{nameof(options.KeyPrefix)} must not be empty: records would share the key space with every other key in the database.");
        }

        if (options.Database < -1)
        {
            errors.Add($"{nameof(options.Database)} must be -1 (the connection's default) or a database number (was {options.Database}).");
        }

        if (options.ExpiryMargin < TimeSpan.Zero || options.ExpiryMargin > MaxExpiryMargin)
        {
            errors.Add($"{nameof(options.ExpiryMargin)} must be between 0 and {MaxExpiryMargin} (was {options.ExpiryMargin}).");
        }
    }
}
