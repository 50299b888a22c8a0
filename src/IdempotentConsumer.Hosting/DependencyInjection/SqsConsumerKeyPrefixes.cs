using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Hosting.DependencyInjection;

/// <summary>
/// The key prefixes claimed by the consumers of one host. Two consumers with one prefix would answer each other's
/// messages from each other's records (a message of one replayed as done by the other), so a second claim fails the
/// host's start unless every consumer sharing the prefix allows it.
/// </summary>
internal sealed class SqsConsumerKeyPrefixes
{
    private readonly Dictionary<string, (string Consumer, bool AllowShared)> _claims = new(StringComparer.Ordinal);

    /// <exception cref="IdempotencyConfigurationException">Another consumer of this host already uses the prefix and not both allow sharing it.</exception>
    public void Claim(string consumerName, string keyPrefix, bool allowShared)
    {
        lock (_claims)
        {
            if (_claims.TryGetValue(keyPrefix, out var holder) && !(holder.AllowShared && allowShared))
            {
                throw new IdempotencyConfigurationException(
                    $"SQS consumers '{holder.Consumer}' and '{consumerName}' both use the idempotency key prefix '{keyPrefix}', so each would " +
                    "answer the other's messages from its records. Give each consumer its own Name or Idempotency.KeyPrefix, or set " +
                    "AllowSharedKeyPrefix on both when they are meant to share records.");
            }

            _claims.TryAdd(keyPrefix, (consumerName, allowShared));
        }
    }
}
