using System.Text;
using IdempotentConsumer.Validation;

namespace IdempotentConsumer.DynamoDB;

/// <summary>
/// Checks <see cref="DynamoDbIdempotencyStoreOptions"/>, reporting every error at once. Registered by
/// <c>AddDynamoDbIdempotencyStore</c> and run at host start; the store runs the same checks when built by hand.
/// </summary>
public sealed class DynamoDbIdempotencyStoreOptionsValidator : CollectingOptionsValidator<DynamoDbIdempotencyStoreOptions>
{
    private const int MaxPartitionKeyBytes = 2048;

    /// <inheritdoc />
    protected override void Check(DynamoDbIdempotencyStoreOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var attributes = new (string Option, string? Value)[]
        {
            (nameof(options.KeyAttributeName), options.KeyAttributeName),
            (nameof(options.ExpiryAttributeName), options.ExpiryAttributeName),
            (nameof(options.InProgressExpiryAttributeName), options.InProgressExpiryAttributeName),
            (nameof(options.StatusAttributeName), options.StatusAttributeName),
            (nameof(options.DataAttributeName), options.DataAttributeName),
            (nameof(options.ValidationAttributeName), options.ValidationAttributeName),
            (nameof(options.OwnerAttributeName), options.OwnerAttributeName),
            (nameof(options.ResponseNotStoredAttributeName), options.ResponseNotStoredAttributeName),
        };

        if (string.IsNullOrWhiteSpace(options.TableName))
        {
            errors.Add($"{nameof(options.TableName)} must not be empty.");
        }

        foreach (var (option, value) in attributes)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{option} must not be empty.");
            }
        }

        var names = attributes.Select(a => a.Value)
            .Append(string.IsNullOrWhiteSpace(options.SortKeyAttributeName) ? null : options.SortKeyAttributeName)
            .Where(value => !string.IsNullOrWhiteSpace(value));
        foreach (var duplicate in names.GroupBy(value => value, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            errors.Add($"Attribute name '{duplicate.Key}' is configured for more than one field; each field needs its own attribute.");
        }

        if (options.MaxBatchGetAttempts < 1)
        {
            errors.Add($"{nameof(options.MaxBatchGetAttempts)} must be at least 1 (was {options.MaxBatchGetAttempts}).");
        }

        if (!string.IsNullOrWhiteSpace(options.SortKeyAttributeName) && options.StaticPartitionKeyValue is { } partition
            && Encoding.UTF8.GetByteCount(partition) is 0 or > MaxPartitionKeyBytes)
        {
            errors.Add($"{nameof(options.StaticPartitionKeyValue)} must be 1 to {MaxPartitionKeyBytes} UTF-8 bytes.");
        }
    }
}
