using IdempotentConsumer.Exceptions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IdempotentConsumer.Redis;

/// <summary>
/// Checks <see cref="RedisIdempotencyStoreOptions"/>, reporting every error at once. Registered by
/// <c>AddRedisIdempotencyStore</c> and run at host start; the store runs the same checks when built by hand.
/// </summary>
public sealed class RedisIdempotencyStoreOptionsValidator : IValidateOptions<RedisIdempotencyStoreOptions>
{
    private static readonly TimeSpan MaxExpiryMargin = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RedisIdempotencyStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void ThrowIfInvalid(RedisIdempotencyStoreOptions options)
    {
        var errors = Check(options);
        if (errors.Count > 0)
        {
            throw new IdempotencyConfigurationException($"{nameof(RedisIdempotencyStoreOptions)} is invalid: {string.Join(" ", errors)}");
        }
    }

    private static List<string> Check(RedisIdempotencyStoreOptions options)
    {
        var errors = new List<string>();
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

        return errors;
    }
}
