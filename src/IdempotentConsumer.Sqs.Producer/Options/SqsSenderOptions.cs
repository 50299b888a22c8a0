using System.Text.Json;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Serialization;

namespace IdempotentConsumer.Sqs.Producer.Options;

/// <summary>
/// Settings of one <see cref="Sending.IdempotentSqsSender{TMessage}"/>. The key members (<see cref="KeyPrefix"/>,
/// <see cref="KeyJmesPath"/> or <see cref="KeySource"/>, <see cref="HashAlgorithm"/>) must be the consuming consumer's,
/// so the key the sender stamps is the key the consumer records. Bindable from configuration; <see cref="KeySource"/>
/// and <see cref="SerializerOptions"/> are code-only.
/// </summary>
public sealed class SqsSenderOptions
{
    /// <summary>The queue to send to. A URL ending in <c>.fifo</c> is a FIFO queue: messages get a deduplication and a group id.</summary>
    public string QueueUrl { get; set; } = string.Empty;

    /// <summary>The consumer's key prefix; only used to report the consumer's record key (<c>{KeyPrefix}#{hash}</c>). Default: <c>default</c>, as the consumer's.</summary>
    public string KeyPrefix { get; set; } = "default";

    /// <summary>The consumer's JMESPath key expression; ignored when <see cref="KeySource"/> is set. Neither: the whole body is the key.</summary>
    public string? KeyJmesPath { get; set; }

    /// <summary>The consumer's key source in code (typed selector, JMESPath, whole payload); wins over <see cref="KeyJmesPath"/>.</summary>
    public IdempotencyKeySource? KeySource { get; set; }

    /// <summary>The consumer's hash algorithm. Default: SHA-256.</summary>
    public IdempotencyHashAlgorithm HashAlgorithm { get; set; } = IdempotencyHashAlgorithm.Sha256;

    /// <summary>The message attribute the key hash is stamped into. Default: <see cref="IdempotencyKeyAttribute.DefaultName"/>.</summary>
    public string KeyAttributeName { get; set; } = IdempotencyKeyAttribute.DefaultName;

    /// <summary>How many times one message is sent at most (first send included) before the sender gives up on it. Default: 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; it doubles per attempt up to <see cref="MaxRetryDelay"/>. Default: 100 ms.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two attempts. Default: 5 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Spreads retry waits over 50–100 % of the computed delay, so producers that failed together do not retry together. Default: on.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// The most bytes one message and one <c>SendMessageBatch</c> request may carry (bodies plus attribute names, types and
    /// values, as SQS counts them). Default: 262,144 (256 KiB), SQS's long-standing limit.
    /// </summary>
    public int MaxBatchBytes { get; set; } = SqsLimits.DefaultMaxBatchBytes;

    /// <summary>Serializes messages, and typed payloads into key material, as the consumer does. Default: the core's web defaults.</summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = IdempotencyJsonDefaults.Web;
}
